// The `wx` the mini-program calls, as a phone carries it out: wx.request,
// wx.uploadFile and wx.downloadFile over real HTTP (node's fetch) with the
// semantics WeChat documents (success for any HTTP status, fail only when
// the network fails; uploadFile answers its body as a string; downloadFile
// saves the body, error answers too, to a local file), storage, files, and
// the native UI (modals, action sheet, loading, media, documents) handed to
// the device, where the test plays the member.
import fs from 'node:fs';
import path from 'node:path';

// Calls a wx API's success or fail, then complete, with res.
export function finish(options, ok, res) {
  const callback = ok ? options.success : options.fail;
  if (typeof callback === 'function') {
    callback(res);
  }
  if (typeof options.complete === 'function') {
    options.complete(res);
  }
}

function headersOf(response) {
  return Object.fromEntries(response.headers.entries());
}

function withQuery(url, data) {
  if (!data || typeof data !== 'object' || Object.keys(data).length === 0) {
    return url;
  }
  return `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(data)}`;
}

// device: { network, files, ui } (lib/device.mjs).
export function createWx(device) {
  const storage = new Map();
  const { network, files, ui } = device;

  // One network call: counted while in flight (device.idle() waits for
  // none), logged with its answer's headers, its result handed to options.
  function transfer(kind, options, perform) {
    const header = options.header || {};
    const bearer = /^Bearer \S+$/.test(header.Authorization || '');
    network.pending += 1;
    perform()
      .then(async (response) => {
        const res = await kind.answer(response);
        network.log.push({ kind: kind.name, url: options.url, method: options.method || 'GET', status: response.status, bearer, header: headersOf(response) });
        finish(options, true, { errMsg: `${kind.name}:ok`, statusCode: response.status, header: headersOf(response), ...res });
      }, (err) => finish(options, false, { errMsg: `${kind.name}:fail ${err.message}` }))
      .finally(() => { network.pending -= 1; });
  }

  const wx = {
    env: { USER_DATA_PATH: files.userDataPath },

    setStorageSync: (key, value) => storage.set(key, value),
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    removeStorageSync: (key) => storage.delete(key),

    request(options) {
      const method = (options.method || 'GET').toUpperCase();
      const header = options.header || {};
      const json = /json/i.test(header['content-type'] || header['Content-Type'] || 'application/json');
      const hasBody = method !== 'GET' && options.data !== undefined;
      const body = hasBody && typeof options.data !== 'string' && json ? JSON.stringify(options.data) : options.data;
      transfer({
        name: 'request',
        async answer(response) {
          const text = await response.text();
          try {
            return { data: JSON.parse(text) };
          } catch {
            return { data: text };
          }
        },
      }, options, () => fetch(method === 'GET' ? withQuery(options.url, options.data) : options.url, {
        method, headers: header, body: hasBody ? body : undefined,
      }));
    },

    uploadFile(options) {
      const form = new FormData();
      Object.entries(options.formData || {}).forEach(([key, value]) => form.append(key, value));
      const bytes = fs.readFileSync(files.real(options.filePath));
      form.append(options.name, new Blob([bytes], { type: 'image/jpeg' }), path.basename(options.filePath));
      transfer({
        name: 'uploadFile',
        answer: async (response) => ({ data: await response.text() }),
      }, { ...options, method: 'POST' }, () => fetch(options.url, { method: 'POST', headers: options.header || {}, body: form }));
    },

    downloadFile(options) {
      transfer({
        name: 'downloadFile',
        async answer(response) {
          const bytes = Buffer.from(await response.arrayBuffer());
          if (options.filePath) {
            fs.writeFileSync(files.real(options.filePath), bytes);
            return { filePath: options.filePath };
          }
          return { tempFilePath: files.saveTemp(bytes) };
        },
      }, options, () => fetch(options.url, { headers: options.header || {} }));
    },

    getFileSystemManager: () => ({
      readFileSync: (filePath, encoding) => fs.readFileSync(files.real(filePath), encoding),
    }),

    showModal: (options) => ui.prompt('modal', options),
    showActionSheet: (options) => ui.prompt('actionSheet', options),
    chooseMedia: (options) => ui.chooseMedia(options),
    showLoading: (options) => ui.record('showLoading', options),
    hideLoading: (options) => ui.record('hideLoading', options || {}),
    showToast: (options) => ui.record('showToast', options),
    openDocument: (options) => ui.record('openDocument', options),
    makePhoneCall: (options) => ui.record('makePhoneCall', options),

    navigateTo: (options) => device.router.navigateTo(options),
    redirectTo: (options) => device.router.redirectTo(options),
    reLaunch: (options) => device.router.reLaunch(options),
    navigateBack: (options) => device.router.navigateBack(options || {}),
  };
  return wx;
}
