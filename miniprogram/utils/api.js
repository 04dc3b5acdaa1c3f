// The member API (config.js apiBase) over wx.request, wx.uploadFile and
// wx.downloadFile. The session token from POST /login is kept with
// wx.setStorageSync and sent as Authorization: Bearer (a mini-program keeps
// no cookies, and Bearer requests need no CSRF token). Every answer other
// than 2xx becomes an ApiError carrying the API's Chinese message.
const config = require('../config.js');

const TOKEN_KEY = 'cicpa_session_token';
const NETWORK_ERROR = { code: 'network', message: '网络连接失败，请检查网络后重试' };

class ApiError extends Error {
  constructor(status, error) {
    super(error.message || `请求失败（HTTP ${status}），请稍后再试`);
    this.status = status;
    this.code = error.code || `http_${status}`;
    this.error = error;
  }
}

function saveToken(token) {
  wx.setStorageSync(TOKEN_KEY, token);
}

function hasToken() {
  return Boolean(wx.getStorageSync(TOKEN_KEY));
}

function forgetToken() {
  wx.removeStorageSync(TOKEN_KEY);
}

function authHeader() {
  const token = wx.getStorageSync(TOKEN_KEY);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// wx.uploadFile answers its body as a string; wx.request parses JSON.
function bodyOf(data) {
  if (typeof data !== 'string') {
    return data;
  }
  try {
    return JSON.parse(data);
  } catch (err) {
    return null;
  }
}

// The ApiError of a refused answer. A 401 means the session is over: the
// token is dropped (the page sends the member to login).
function errorOf(statusCode, body) {
  if (statusCode === 401) {
    forgetToken();
  }
  return new ApiError(statusCode, body && body.error ? body.error : {});
}

// The JSON of a 2xx answer, else throws its ApiError.
function answerOf(statusCode, data) {
  const body = bodyOf(data);
  if (statusCode >= 200 && statusCode < 300) {
    return body;
  }
  throw errorOf(statusCode, body);
}

function settle(resolve, reject, statusCode, data) {
  try {
    resolve(answerOf(statusCode, data));
  } catch (err) {
    reject(err);
  }
}

// method, path under apiBase, data (an object, sent as JSON; a GET's as
// query) -> Promise of the JSON answer.
function request(method, path, data) {
  return new Promise((resolve, reject) => {
    wx.request({
      url: config.apiBase + path,
      method,
      data,
      header: { Accept: 'application/json', 'content-type': 'application/json', ...authHeader() },
      success: (res) => settle(resolve, reject, res.statusCode, res.data),
      fail: () => reject(new ApiError(0, NETWORK_ERROR)),
    });
  });
}

// A photo file as the multipart field `photo` -> Promise of the JSON answer.
function uploadPhoto(path, filePath) {
  return new Promise((resolve, reject) => {
    wx.uploadFile({
      url: config.apiBase + path,
      filePath,
      name: 'photo',
      header: { Accept: 'application/json', ...authHeader() },
      success: (res) => settle(resolve, reject, res.statusCode, res.data),
      fail: () => reject(new ApiError(0, NETWORK_ERROR)),
    });
  });
}

// A refused download saved the API's JSON error as the file: read it back.
function downloadError(statusCode, filePath) {
  let text = '';
  try {
    text = wx.getFileSystemManager().readFileSync(filePath, 'utf8');
  } catch (err) {
    // Nothing saved: the generic message of errorOf.
  }
  return errorOf(statusCode, bodyOf(text));
}

// GET path into a local file (filePath: where to keep it, optional) ->
// Promise of the local path.
function download(path, filePath) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url: config.apiBase + path,
      header: authHeader(),
      filePath,
      success: (res) => {
        const local = res.filePath || res.tempFilePath;
        if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve(local);
        } else {
          reject(downloadError(res.statusCode, local));
        }
      },
      fail: () => reject(new ApiError(0, NETWORK_ERROR)),
    });
  });
}

module.exports = {
  ApiError,
  saveToken,
  hasToken,
  forgetToken,
  getJson: (path) => request('GET', path),
  postJson: (path, data) => request('POST', path, data || {}),
  putJson: (path, data) => request('PUT', path, data),
  uploadPhoto,
  download,
};
