// 中国注册会计师协会行业管理信息系统: the member's electronic certificate
// (会员电子证书). The pages keep no global state: the session token is in
// wx storage (utils/api.js).
App({});
