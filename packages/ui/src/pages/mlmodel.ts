/**
 * Just enough of an MLmodel (YAML) file for the preview: the flavor names, the top-level scalar
 * fields, and the signature's column specs (JSON strings inside the YAML, as MLflow writes them).
 */
export interface Mlmodel {
  flavors: string[];
  fields: [string, string][];
  inputs: { name?: string; type?: string }[];
  outputs: { name?: string; type?: string }[];
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v.startsWith('"') && v.endsWith('"')) return JSON.parse(v) as string;
  return v;
}

function specs(value: string | undefined): { name?: string; type?: string }[] {
  if (!value) return [];
  try {
    const parsed = JSON.parse(unquote(value)) as unknown;
    return Array.isArray(parsed) ? (parsed as { name?: string; type?: string }[]) : [];
  } catch {
    return [];
  }
}

export function parseMlmodel(text: string): Mlmodel {
  const flavors: string[] = [];
  const fields: [string, string][] = [];
  const signature: Record<string, string> = {};
  let section = "";
  for (const line of text.split(/\r?\n/)) {
    const top = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (top) {
      section = top[1] as string;
      if (top[2]) fields.push([section, unquote(top[2])]);
      continue;
    }
    const nested = /^ {2}([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (!nested) continue;
    if (section === "flavors") flavors.push(nested[1] as string);
    if (section === "signature") signature[nested[1] as string] = nested[2] as string;
  }
  return { flavors, fields, inputs: specs(signature.inputs), outputs: specs(signature.outputs) };
}
