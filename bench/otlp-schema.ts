/**
 * OTLP's trace export messages for @bufbuild/protobuf without code generation or protoc: the four
 * .proto files (opentelemetry-proto v1: common, resource, trace, collector/trace) written out as
 * FileDescriptorProtos in code, every field of each message used, turned into descriptors at
 * runtime by createFileRegistry. fromBinary then decodes by reflection over those descriptors.
 * bench/otlp.ts measures it against Edgeflow's decoder and bundles it to weigh it.
 */
import {
  create,
  createFileRegistry,
  type DescMessage,
  fromBinary,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type EnumDescriptorProto,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from "@bufbuild/protobuf/wkt";

const COMMON = "opentelemetry.proto.common.v1";
const RESOURCE = "opentelemetry.proto.resource.v1";
const TRACE = "opentelemetry.proto.trace.v1";
const COLLECTOR = "opentelemetry.proto.collector.trace.v1";

type Kind = keyof typeof Type;
/** name, number, type (a scalar, or ".package.Message"; ".package.Enum" flagged "enum"), and flags. */
type FieldRow = [
  name: string,
  number: number,
  type: Kind | `.${string}`,
  flags?: "repeated" | "oneof" | "enum",
];

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function message(
  name: string,
  fields: FieldRow[],
  nested: { messages?: DescriptorProto[]; enums?: EnumDescriptorProto[]; oneof?: string } = {},
): DescriptorProto {
  return {
    name,
    field: fields.map(([fieldName, number, type, flags]) => {
      const isRef = type.startsWith(".");
      return {
        name: fieldName,
        number,
        jsonName: camel(fieldName),
        label: flags === "repeated" ? Label.REPEATED : Label.OPTIONAL,
        type: flags === "enum" ? Type.ENUM : isRef ? Type.MESSAGE : Type[type as Kind],
        ...(isRef ? { typeName: type } : {}),
        ...(flags === "oneof" ? { oneofIndex: 0 } : {}),
      };
    }),
    nestedType: nested.messages ?? [],
    enumType: nested.enums ?? [],
    oneofDecl: nested.oneof ? [{ name: nested.oneof }] : [],
  } as unknown as DescriptorProto;
}

const enumOf = (name: string, values: string[]) =>
  ({ name, value: values.map((v, number) => ({ name: v, number })) }) as unknown as EnumDescriptorProto;

const file = (name: string, pkg: string, dependency: string[], messageType: DescriptorProto[]) =>
  create(FileDescriptorProtoSchema, { name, package: pkg, dependency, messageType, syntax: "proto3" });

const KV = `.${COMMON}.KeyValue`;

const common = file(
  "opentelemetry/proto/common/v1/common.proto",
  COMMON,
  [],
  [
    message(
      "AnyValue",
      [
        ["string_value", 1, "STRING", "oneof"],
        ["bool_value", 2, "BOOL", "oneof"],
        ["int_value", 3, "INT64", "oneof"],
        ["double_value", 4, "DOUBLE", "oneof"],
        ["array_value", 5, `.${COMMON}.ArrayValue`, "oneof"],
        ["kvlist_value", 6, `.${COMMON}.KeyValueList`, "oneof"],
        ["bytes_value", 7, "BYTES", "oneof"],
      ],
      { oneof: "value" },
    ),
    message("ArrayValue", [["values", 1, `.${COMMON}.AnyValue`, "repeated"]]),
    message("KeyValueList", [["values", 1, KV, "repeated"]]),
    message("KeyValue", [
      ["key", 1, "STRING"],
      ["value", 2, `.${COMMON}.AnyValue`],
    ]),
    message("InstrumentationScope", [
      ["name", 1, "STRING"],
      ["version", 2, "STRING"],
      ["attributes", 3, KV, "repeated"],
      ["dropped_attributes_count", 4, "UINT32"],
    ]),
  ],
);

const resource = file(
  "opentelemetry/proto/resource/v1/resource.proto",
  RESOURCE,
  [common.name],
  [
    message("Resource", [
      ["attributes", 1, KV, "repeated"],
      ["dropped_attributes_count", 2, "UINT32"],
    ]),
  ],
);

const trace = file(
  "opentelemetry/proto/trace/v1/trace.proto",
  TRACE,
  [common.name, resource.name],
  [
    message("ResourceSpans", [
      ["resource", 1, `.${RESOURCE}.Resource`],
      ["scope_spans", 2, `.${TRACE}.ScopeSpans`, "repeated"],
      ["schema_url", 3, "STRING"],
    ]),
    message("ScopeSpans", [
      ["scope", 1, `.${COMMON}.InstrumentationScope`],
      ["spans", 2, `.${TRACE}.Span`, "repeated"],
      ["schema_url", 3, "STRING"],
    ]),
    message(
      "Span",
      [
        ["trace_id", 1, "BYTES"],
        ["span_id", 2, "BYTES"],
        ["trace_state", 3, "STRING"],
        ["parent_span_id", 4, "BYTES"],
        ["flags", 16, "FIXED32"],
        ["name", 5, "STRING"],
        ["kind", 6, `.${TRACE}.Span.SpanKind`, "enum"],
        ["start_time_unix_nano", 7, "FIXED64"],
        ["end_time_unix_nano", 8, "FIXED64"],
        ["attributes", 9, KV, "repeated"],
        ["dropped_attributes_count", 10, "UINT32"],
        ["events", 11, `.${TRACE}.Span.Event`, "repeated"],
        ["dropped_events_count", 12, "UINT32"],
        ["links", 13, `.${TRACE}.Span.Link`, "repeated"],
        ["dropped_links_count", 14, "UINT32"],
        ["status", 15, `.${TRACE}.Status`],
      ],
      {
        messages: [
          message("Event", [
            ["time_unix_nano", 1, "FIXED64"],
            ["name", 2, "STRING"],
            ["attributes", 3, KV, "repeated"],
            ["dropped_attributes_count", 4, "UINT32"],
          ]),
          message("Link", [
            ["trace_id", 1, "BYTES"],
            ["span_id", 2, "BYTES"],
            ["trace_state", 3, "STRING"],
            ["attributes", 4, KV, "repeated"],
            ["dropped_attributes_count", 5, "UINT32"],
            ["flags", 6, "FIXED32"],
          ]),
        ],
        enums: [
          enumOf("SpanKind", [
            "SPAN_KIND_UNSPECIFIED",
            "SPAN_KIND_INTERNAL",
            "SPAN_KIND_SERVER",
            "SPAN_KIND_CLIENT",
            "SPAN_KIND_PRODUCER",
            "SPAN_KIND_CONSUMER",
          ]),
        ],
      },
    ),
    message(
      "Status",
      [
        ["message", 2, "STRING"],
        ["code", 3, `.${TRACE}.Status.StatusCode`, "enum"],
      ],
      { enums: [enumOf("StatusCode", ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"])] },
    ),
  ],
);

const collector = file(
  "opentelemetry/proto/collector/trace/v1/trace_service.proto",
  COLLECTOR,
  [trace.name],
  [message("ExportTraceServiceRequest", [["resource_spans", 1, `.${TRACE}.ResourceSpans`, "repeated"]])],
);

const registry = createFileRegistry(
  create(FileDescriptorSetSchema, { file: [common, resource, trace, collector] }),
);

function schema(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (!desc) throw new Error(`no message ${typeName}`);
  return desc;
}

export const ExportTraceServiceRequestSchema = schema(`${COLLECTOR}.ExportTraceServiceRequest`);
export const SpanSchema = schema(`${TRACE}.Span`);

interface SpanLike {
  spanId: Uint8Array;
}
interface RequestLike {
  resourceSpans: { scopeSpans: { spans: SpanLike[] }[] }[];
}

/** The request decoded by reflection: messages with every field of the schema. */
export function decodeRequest(bytes: Uint8Array): RequestLike {
  return fromBinary(ExportTraceServiceRequestSchema, bytes) as unknown as RequestLike;
}

/** The spans of a request, each as protobuf JSON with proto field names (the shape MLflow keeps). */
export function decodeSpansToJson(bytes: Uint8Array): JsonValue[] {
  return decodeRequest(bytes).resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((span) =>
        toJson(SpanSchema, span as unknown as Parameters<typeof toJson>[1], { useProtoFieldName: true }),
      ),
    ),
  );
}
