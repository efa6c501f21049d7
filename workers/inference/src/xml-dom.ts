import { DOMParser, Node } from "@xmldom/xmldom";

/**
 * @aws-sdk/client-s3's browser build parses S3's XML answers with DOMParser, which Workers do not
 * have; xmldom provides it (as in the tracking worker's xml-dom.ts). Imported for its effect.
 */
const scope = globalThis as Record<string, unknown>;
scope.DOMParser ??= DOMParser;
scope.Node ??= Node;
