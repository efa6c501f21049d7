/** MLflow's artifact messages (mlflow_artifacts.proto and the artifact parts of service.proto). */
import { bool, type Infer, int64, message, repeated, string, stringMap } from "./fields";

export const FileInfo = message({ path: string(), is_dir: bool(), file_size: int64() });
export type FileInfoWire = Infer<typeof FileInfo.spec>;

export const ListProxiedArtifacts = message({ path: string() });
export const ListProxiedArtifactsResponse = message({ files: repeated(FileInfo) });

export const ListRunArtifacts = message({
  run_id: string(),
  run_uuid: string(),
  path: string(),
  page_token: string(),
});
export const ListRunArtifactsResponse = message({
  root_uri: string(),
  files: repeated(FileInfo),
  next_page_token: string(),
});
export const GetRunArtifact = message({ run_id: string(), run_uuid: string(), path: string().req() });

export const CreateMultipartUpload = message({ path: string().req(), num_parts: int64() });
export const MultipartUploadCredential = message({
  url: string(),
  part_number: int64(),
  headers: stringMap(),
});
export const CreateMultipartUploadResponse = message({
  upload_id: string(),
  credentials: repeated(MultipartUploadCredential),
});
export const MultipartUploadPart = message({ part_number: int64().req(), etag: string(), url: string() });
export const CompleteMultipartUpload = message({
  path: string().req(),
  upload_id: string().req(),
  parts: repeated(MultipartUploadPart).req(),
});
export const AbortMultipartUpload = message({ path: string().req(), upload_id: string().req() });
export const GetModelVersionArtifact = message({
  name: string().req(),
  version: string().req(),
  path: string().req(),
});
