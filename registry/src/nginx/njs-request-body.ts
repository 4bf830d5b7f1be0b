/**
 * The njs module the nginx data plane imports. The auth_request check cannot see a request body, so
 * the front server, which has read the body, hands it on base64-encoded in X-Body (DESIGN 3.2).
 * A body nginx kept on disk instead of in memory gives an empty value: the check then refuses the POST.
 */
export const NJS_REQUEST_BODY_SCRIPT = `// Written by the MCP Gateway registry with the nginx data plane configuration.
function requestBodyBase64(r) {
  try {
    var body = r.requestBuffer;
    return body ? body.toString('base64') : '';
  } catch (e) {
    return '';
  }
}

export default { requestBodyBase64 };
`;
