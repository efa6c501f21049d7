import { describe, expect, it } from "vitest";
import { checkOutboundUrl, outboundAllowList } from "./outbound";

const refused = (url: string, allow: string[] = []) => {
  try {
    checkOutboundUrl(url, allow, "test");
    return undefined;
  } catch (error) {
    return (error as { errorCode?: string }).errorCode;
  }
};

describe("outbound calls", () => {
  it("call public https hosts", () => {
    expect(refused("https://huggingface.co/api/models/x")).toBeUndefined();
    expect(refused("https://api.openai.com/v1/chat/completions")).toBeUndefined();
  });

  it("refuse loopback, private, link-local and internal names in every spelling", () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://127.1/",
      "https://2130706433/",
      "https://0x7f000001/",
      "https://10.1.2.3/",
      "https://172.20.0.1/",
      "https://192.168.1.1/",
      "https://169.254.169.254/latest/meta-data/",
      "https://100.64.0.1/",
      "https://0.0.0.0/",
      "https://[::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://[::ffff:a9fe:a9fe]/",
      "https://[fd00::1]/",
      "https://[fe80::1]/",
      "https://localhost/",
      "https://api.localhost/",
      "https://metadata.google.internal/",
      "https://printer.local/",
      "https://intranet/",
    ]) {
      expect(refused(url), url).toBe("INVALID_PARAMETER_VALUE");
    }
  });

  it("refuse other schemes, plain http and credentials in the URL", () => {
    for (const url of [
      "http://huggingface.co/",
      "file:///etc/passwd",
      "ftp://example.com/",
      "https://u:p@example.com/",
    ]) {
      expect(refused(url), url).toBe("INVALID_PARAMETER_VALUE");
    }
    expect(refused("not a url")).toBe("INVALID_PARAMETER_VALUE");
  });

  it("allow exactly what EDGEFLOW_OUTBOUND_ALLOW names, by host or host:port", () => {
    const allow = outboundAllowList(" 127.0.0.1:8123 , hub.internal ");
    expect(allow).toEqual(["127.0.0.1:8123", "hub.internal"]);
    expect(refused("http://127.0.0.1:8123/api", allow)).toBeUndefined();
    expect(refused("http://127.0.0.1:8124/api", allow)).toBe("INVALID_PARAMETER_VALUE");
    expect(refused("https://hub.internal:9000/", allow)).toBeUndefined();
    expect(refused("file://127.0.0.1:8123/x", allow)).toBe("INVALID_PARAMETER_VALUE");
  });
});
