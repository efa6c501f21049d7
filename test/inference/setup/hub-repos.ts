/** The loopback Hub stand-in's repos and revision (hub-server.ts), shared with the workerd tests. */
export const HUB_REVISION = "4f1c0ffee00000000000000000000000000000a1";
export const HUB_REPOS = {
  sst2: "edgeflow-test/sst2-bert-mini",
  noOnnx: "edgeflow-test/no-onnx",
  redirectsInward: "edgeflow-test/redirects-inward",
} as const;
