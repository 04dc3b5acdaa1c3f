// The member API (mod_cicpa_cert under /cert/api) and the staff API (under
// /cert/admin/api): every request of the pages goes through here, so the
// session cookie, the CSRF header and the error shape are handled in one place.

// An answer other than 2xx: status, the API's error code and its Chinese
// message, and the whole error object for extra members (fields, problems,
// institute, next_step).
class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `请求失败（HTTP ${status}），请稍后再试`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || `http_${status}`;
    this.error = error;
  }
}

const NETWORK_ERROR = { code: 'network', message: '网络连接失败，请检查网络后重试' };

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body && body.error) {
      return new ApiError(response.status, body.error);
    }
  } catch {
    // Not JSON (a proxy's error page): fall through to the generic message.
  }
  return new ApiError(response.status, {});
}

// Sends one request to base + path. body: a plain object (sent as JSON),
// FormData (multipart) or URLSearchParams (form-urlencoded). Resolves with
// the Response when it is 2xx, else rejects with an ApiError.
async function send(base, csrfToken, method, path, body) {
  const headers = { Accept: 'application/json' };
  let payload = body;
  if (body && !(body instanceof FormData) && !(body instanceof URLSearchParams)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let response;
  try {
    response = await fetch(base + path, {
      method, headers, body: payload, credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, NETWORK_ERROR);
  }
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

// The file name of a Content-Disposition: the RFC 5987 filename* (UTF-8,
// the Chinese name) when present, else the plain filename.
function attachmentName(disposition, fallback) {
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition || '');
  if (extended) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // A malformed escape: use the plain name below.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition || '');
  return plain ? plain[1] : fallback;
}

// A client of the API at base. The session cookie is HttpOnly; the pages
// learn the session's CSRF token from the login or the session document and
// send it with every state change. The request helpers resolve with the
// JSON answer (body as for send()); postForFile with { blob, filename }; url
// gives a GET resource's URL, for <img src>.
export function createClient(base) {
  let csrfToken = '';
  const request = (method, path, body) => send(base, csrfToken, method, path, body);
  return {
    setCsrfToken(token) {
      csrfToken = token || '';
    },
    getJson: async (path) => (await request('GET', path)).json(),
    postJson: async (path, body) => (await request('POST', path, body)).json(),
    putJson: async (path, body) => (await request('PUT', path, body)).json(),
    async postForFile(path, body, fallbackName) {
      const response = await request('POST', path, body);
      return {
        blob: await response.blob(),
        filename: attachmentName(response.headers.get('Content-Disposition'), fallbackName),
      };
    },
    url: (path) => base + path,
  };
}

const memberApi = createClient('/cert/api');
export const {
  setCsrfToken, getJson, postJson, putJson, postForFile, url: apiUrl,
} = memberApi;
