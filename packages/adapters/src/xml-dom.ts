import { DOMParser, Node } from "@xmldom/xmldom";

/**
 * @aws-sdk/client-s3's browser build (the one bundlers pick for Workers) parses S3's XML answers
 * with the DOM's DOMParser, which Workers do not have. xmldom provides the same API; this module
 * installs it once, before the first S3 call. Imported for its effect by s3-store.ts.
 */
const scope = globalThis as Record<string, unknown>;
scope.DOMParser ??= DOMParser;
scope.Node ??= Node;
