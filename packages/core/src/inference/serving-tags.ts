import { parseRequestLoggingTag, REQUEST_LOGGING_TAG } from "./request-logging";
import { parseShadowTag, parseTrafficTag, SHADOW_TAG_PREFIX, TRAFFIC_TAG_PREFIX } from "./traffic";

/**
 * Checks a tag the inference worker reads (traffic split, shadow, request logging) before it is
 * stored, so a typo fails at `set_registered_model_tag` (400 INVALID_PARAMETER_VALUE) instead of at
 * the next prediction. Other tags pass untouched.
 */
export function validateServingTag(key: string, value: string): void {
  if (key.startsWith(TRAFFIC_TAG_PREFIX)) parseTrafficTag(key, value);
  else if (key.startsWith(SHADOW_TAG_PREFIX)) parseShadowTag(key, value);
  else if (key === REQUEST_LOGGING_TAG) parseRequestLoggingTag(value);
}
