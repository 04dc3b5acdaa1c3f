// The one setting an association changes: where its member API is mounted
// (HTTPS, on a domain listed as a "request/uploadFile/downloadFile 合法域名"
// in the WeChat console). Everything else comes from the API itself.
module.exports = {
  apiBase: 'https://cert.example.org.cn/cert/api',
};
