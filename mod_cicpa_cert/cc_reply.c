#include <string.h>

#include "cc_http.h"
#include "cc_reply.h"

/* How a result is answered. */
typedef struct reply {
    int status;          /* HTTP status */
    const char *code;    /* the error's code */
    const char *message; /* what the reader is told; for the results
                              * that name fields, the lead of it */
} reply;

/* Said after every refused upload that cost no comparison. */
#define NOT_CHARGED "（本次未消耗比对机会）"

static const reply replies[CC_RESULT_COUNT] = {
    [CC_DONE] = { HTTP_OK, "ok", "" },
    [CC_UNAUTHENTICATED] = { HTTP_UNAUTHORIZED, "unauthenticated", "请先登录（会话不存在或已过期）" },
    [CC_NOT_FOUND] = { HTTP_NOT_FOUND, "not_found", "未找到" },
    [CC_DB_UNAVAILABLE] = { HTTP_SERVICE_UNAVAILABLE, "database_unavailable", "系统繁忙，请稍后再试" },
    [CC_NODE_NOT_READY] = { HTTP_SERVICE_UNAVAILABLE, "not_ready", "本服务节点暂不可用，请稍后再试" },
    [CC_INTERNAL] = { HTTP_INTERNAL_SERVER_ERROR, "internal", "服务器内部错误，请稍后再试" },
    [CC_CROSS_SITE] = { HTTP_FORBIDDEN, "cross_site", "不接受来自其他网站的请求，请在本站页面操作" },
    [CC_CSRF] = { HTTP_FORBIDDEN, "csrf", "请求缺少有效的 CSRF 令牌，请刷新页面后重试" },
    [CC_NO_ROUTE] = { HTTP_NOT_FOUND, "not_found", "接口不存在" },
    [CC_METHOD_NOT_ALLOWED] = { HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "不支持该请求方法" },

    [CC_BODY_TOO_LARGE] = { HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large", "请求内容过大" },
    [CC_BODY_TIMEOUT] = { HTTP_REQUEST_TIME_OUT, "request_timeout", "请求内容发送过慢，请检查网络后重试" },
    [CC_BODY_UNREADABLE] = { HTTP_BAD_REQUEST, "bad_request", "请求内容无法读取" },
    [CC_PARAMS_MEDIA_TYPE] = { HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                               "请以 application/json 或 application/x-www-form-urlencoded 提交" },
    [CC_MALFORMED_JSON] = { HTTP_BAD_REQUEST, "malformed_json",
                            "JSON 格式错误：须为一个对象，值为字符串或数字" },
    [CC_MALFORMED_FORM] = { HTTP_BAD_REQUEST, "malformed_form", "表单编码错误" },
    [CC_UPLOAD_TOO_LARGE] = { HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                              "上传内容过大：照片应在10-20K之间" },
    [CC_UPLOAD_UNREADABLE] = { HTTP_BAD_REQUEST, "bad_request", "上传内容无法读取" },
    [CC_UPLOAD_MEDIA_TYPE] = { HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                               "请以 multipart/form-data（字段 photo）或 image/jpeg 上传照片" },
    [CC_MALFORMED_MULTIPART] = { HTTP_BAD_REQUEST, "malformed_multipart",
                                 "上传内容格式错误（multipart/form-data）" },
    [CC_PHOTO_MISSING] = { HTTP_BAD_REQUEST, "photo_missing", "请选择要上传的照片（表单字段 photo）" },

    [CC_MEMBER_CREDENTIALS_MISSING] = { HTTP_BAD_REQUEST, "missing_credentials",
                                        "请输入用户名（会员编号）和密码" },
    [CC_STAFF_CREDENTIALS_MISSING] = { HTTP_BAD_REQUEST, "missing_credentials", "请输入账号和密码" },
    [CC_BAD_USER_TYPE] = { HTTP_BAD_REQUEST, "bad_user_type", "用户类型须为“非执业会员”或“执业会员”" },
    [CC_CAPTCHA_REQUIRED] = { HTTP_BAD_REQUEST, "captcha_required", "请输入验证码" },
    [CC_CAPTCHA_INVALID] = { HTTP_BAD_REQUEST, "captcha_invalid", "验证码错误或已失效，请重新获取验证码" },
    [CC_TOO_MANY_CAPTCHAS] = { HTTP_TOO_MANY_REQUESTS, "too_many_requests", "请求过于频繁，请稍后再试" },
    /* The attempt limits: the message goes on "，请N分钟后再试". */
    [CC_TOO_MANY_ATTEMPTS] = { HTTP_TOO_MANY_REQUESTS, "too_many_attempts", "尝试次数过多" },
    [CC_TOO_MANY_LOGINS] = { HTTP_TOO_MANY_REQUESTS, "too_many_attempts", "登录失败次数过多" },
    [CC_TOO_MANY_RECOVERIES] = { HTTP_TOO_MANY_REQUESTS, "too_many_attempts", "找回密码的请求过于频繁" },
    [CC_TOO_MANY_CODES] = { HTTP_TOO_MANY_REQUESTS, "too_many_attempts", "验证码错误次数过多" },
    [CC_INVALID_CREDENTIALS] = { HTTP_UNAUTHORIZED, "invalid_credentials", "用户名或密码错误" },
    [CC_PASSWORD_NOT_SET] = { HTTP_UNAUTHORIZED, "password_not_set",
                              "您尚未设置密码，请点击“忘记密码”设置密码" },

    [CC_FORGOT_FIELDS_MISSING] = { HTTP_BAD_REQUEST, "missing_fields", "请输入会员编号和证件号码" },
    [CC_RESET_FIELDS_MISSING] = { HTTP_BAD_REQUEST, "missing_fields", "请输入会员编号、验证码和新密码" },
    [CC_RECOVERY_UNAVAILABLE] = { HTTP_SERVICE_UNAVAILABLE, "recovery_unavailable",
                                  "系统未开通邮件或短信找回密码，请联系所属注协重置密码" },
    [CC_NO_CONTACT] = { HTTP_CONFLICT, "no_contact",
                        "您未登记可用的电子邮箱或手机号码，请联系所属注协重置密码" },
    [CC_DELIVERY_FAILED] = { HTTP_SERVICE_UNAVAILABLE, "delivery_failed", "验证码发送失败，请稍后再试" },
    [CC_INVALID_CODE] = { HTTP_BAD_REQUEST, "invalid_code", "验证码错误或已失效，请重新获取验证码" },
    [CC_WEAK_PASSWORD] = { HTTP_BAD_REQUEST, "weak_password", "密码不符合要求" },

    /* The guide's two photo messages, told apart (GET /me shows them too). */
    [CC_PHOTO_NOT_FOUND] = { HTTP_NOT_FOUND, "photo_not_found", "没有查询到照片信息" },
    [CC_PHOTO_UNAVAILABLE] = { HTTP_SERVICE_UNAVAILABLE, "photo_unavailable", "获取照片信息失败" },
    [CC_PHOTO_REJECTED] = { HTTP_UNPROCESSABLE_ENTITY, "photo_rejected",
                            "照片不符合要求，请按要求修改后重新上传" NOT_CHARGED },
    [CC_SITE_PHOTO_REJECTED] = { HTTP_UNPROCESSABLE_ENTITY, "photo_rejected",
                                 "现场拍摄的照片不符合要求，请按要求重新拍摄" },
    [CC_PHOTO_ON_FILE] = { HTTP_CONFLICT, "photo_on_file", "系统中已有您的照片，无需上传" },
    [CC_ONSITE_REVIEW_PENDING] = { HTTP_CONFLICT, "onsite_review_pending",
                                   "照片对比不成功，需要联系注协进行现场审核。" },
    [CC_NO_ATTEMPTS_LEFT] = { HTTP_CONFLICT, "no_attempts_left",
                              "您的照片比对机会已用完，请联系所属注协进行现场审核" },
    [CC_IDENTITY_INCOMPLETE] = { HTTP_CONFLICT, "contact_institute",
                                 "您的证件信息不完整，照片无法比对" NOT_CHARGED
                                 "，以下信息需由所属注协补充" },
    [CC_COMPARISON_IN_PROGRESS] = { HTTP_CONFLICT, "comparison_in_progress",
                                    "您的照片正在比对中或比对机会已用完，请稍后刷新查看结果" },
    [CC_UPLOAD_IN_PROGRESS] = { HTTP_CONFLICT, "comparison_in_progress",
                                "您的照片正在处理中，请稍后刷新查看结果" },
    [CC_PHOTO_QUALITY] = { HTTP_UNPROCESSABLE_ENTITY, "photo_quality",
                           "照片质量不满足比对要求，请更换清晰的证件照后重试" NOT_CHARGED },
    [CC_NO_FACE] = { HTTP_UNPROCESSABLE_ENTITY, "no_face",
                     "照片中未检测到人脸，请上传本人免冠证件照" NOT_CHARGED },
    [CC_IDENTITY_NOT_FOUND] = { HTTP_UNPROCESSABLE_ENTITY, "identity_not_found",
                                "公安部照片库中未查询到您的身份信息，请联系所属注协" NOT_CHARGED },
    [CC_COMPARISON_UNAVAILABLE] = { HTTP_SERVICE_UNAVAILABLE, "comparison_unavailable",
                                    "照片比对服务暂时不可用，请稍后再试" NOT_CHARGED },

    [CC_CERTIFICATE_HEAD] = { HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                              "请使用 GET 或 POST 下载会员证" },
    [CC_CONFIRMATION_REQUIRED] = { HTTP_BAD_REQUEST, "confirmation_required",
                                   "请先确认信息无误（confirm=1），再下载会员证" },
    [CC_PHOTO_REQUIRED] = { HTTP_CONFLICT, "photo_required", "没有查询到照片信息，请先上传照片" },
    [CC_CERTIFICATE_REVIEW_PENDING] = { HTTP_CONFLICT, "onsite_review_pending",
                                        "照片对比不成功，需要联系注协进行现场审核" },
    [CC_PROFILE_STAFF_FIELDS_MISSING] = { HTTP_CONFLICT, "contact_institute",
                                          "请您先将基础信息中的必填信息补充完整，其中以下信息需由所属注协补"
                                          "充" },
    [CC_PROFILE_INCOMPLETE] = { HTTP_CONFLICT, "profile_incomplete",
                                "请您先将基础信息中的必填信息补充完整..." },
    [CC_REGISTRATION_EXPIRED] = { HTTP_CONFLICT, "registration_expired",
                                  "您的会员注册有效期已过，请联系所属注协办理注册后再下载会员证" },
    [CC_UNPRINTABLE_CHARACTERS] = { HTTP_CONFLICT, "unprintable_characters",
                                    "会员证字体无法显示以下信息中的字符，请联系所属注协核对" },
    [CC_CERTIFICATE_SUSPENDED] = { HTTP_CONFLICT, "certificate_suspended",
                                   "您的会员证已被暂停使用，请联系所属注协" },
    [CC_CERTIFICATE_REVOKED] = { HTTP_CONFLICT, "certificate_revoked", "您的会员证已被撤销，请联系所属注协" },

    [CC_CERTIFICATE_UNKNOWN] = { HTTP_NOT_FOUND, "not_found", "未找到该证书 (not found)" },
    [CC_TOO_MANY_CHECKS] = { HTTP_TOO_MANY_REQUESTS, "too_many_requests", "查询过于频繁，请稍后再试" },

    [CC_INVALID_FIELDS] = { HTTP_UNPROCESSABLE_ENTITY, "invalid_fields",
                            "信息填写有误，未保存任何修改，请按提示修改后再保存" },
    [CC_UNKNOWN_FIELD] = { HTTP_UNPROCESSABLE_ENTITY, "unknown_field",
                           "提交了不存在的信息项，未保存任何修改" },
    [CC_STAFF_ONLY_FIELD] = { HTTP_FORBIDDEN, "staff_only_field", "以下信息您无法修改，需由所属注协修改" },
    [CC_NATIONAL_ONLY_FIELD] = { HTTP_FORBIDDEN, "national_only_field",
                                 "所属注协只能由中注协工作人员修改，未保存任何修改" },

    [CC_BAD_QUERY] = { HTTP_BAD_REQUEST, "bad_query", "请输入会员编号、姓名或证件号码" },
    [CC_BAD_FILTER] = { HTTP_BAD_REQUEST, "bad_filter", "筛选条件有误（日期格式 YYYY-MM-DD，条数 1-1000）" },
    [CC_FILTER_TOO_LONG] = { HTTP_BAD_REQUEST, "bad_filter", "筛选条件过长：每项不超过64个字符" },
    [CC_REASON_REQUIRED] = { HTTP_UNPROCESSABLE_ENTITY, "reason_required", "请填写原因" },
    [CC_NOT_AWAITING_REVIEW] = { HTTP_CONFLICT, "not_awaiting_review", "该会员没有待审核的照片" },

    [CC_UNKNOWN_IDENTITY] = { HTTP_FORBIDDEN, "unknown_identity",
                              "您的门户账号未对应到会员信息，请联系所属注协核实（各注协咨询电话附后）" },
    [CC_SIGNED_IN_BY_PORTAL] = { HTTP_CONFLICT, "signed_in_by_portal",
                                 "您已通过门户登录，无需再次登录；密码请在门户中管理" },
};

static const reply *reply_of(cc_result result)
{
    return result > CC_DONE && result < CC_RESULT_COUNT && replies[result].code ? &replies[result]
                                                                                : &replies[CC_INTERNAL];
}

int cc_reply_status(cc_result result)
{
    return reply_of(result)->status;
}

const char *cc_reply_text(cc_result result)
{
    return reply_of(result)->message;
}

int cc_reply_message(request_rec *r, cc_result result, const char *message, json_t *extra)
{
    const reply *rp = reply_of(result);
    if (result == CC_UNAUTHENTICATED) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"cicpa-cert\"");
    } else if (result == CC_COMPARISON_UNAVAILABLE) {
        apr_table_setn(r->err_headers_out, "Retry-After", "60");
    }
    return cc_send_error_with(r, rp->status, rp->code, message ? message : rp->message, extra);
}

int cc_reply_with(request_rec *r, cc_result result, json_t *extra)
{
    return cc_reply_message(r, result, NULL, extra);
}

int cc_reply(request_rec *r, cc_result result)
{
    return cc_reply_message(r, result, NULL, NULL);
}

int cc_reply_field_problem(request_rec *r, cc_result result, const char *field, const char *problem)
{
    return cc_reply_message(r, result, problem, json_pack("{s:{s:s}}", "fields", field, problem));
}

int cc_reply_throttled(request_rec *r, cc_result result, apr_int64_t wait)
{
    const reply *rp = reply_of(result);
    if (strcmp(rp->code, "too_many_attempts") != 0) {
        return cc_reply(r, result);
    }
    apr_table_setn(r->err_headers_out, "Retry-After", apr_psprintf(r->pool, "%" APR_INT64_T_FMT, wait));
    return cc_reply_message(r, result,
                            apr_psprintf(r->pool, "%s，请%d分钟后再试", rp->message, (int)((wait + 59) / 60)),
                            json_pack("{s:I}", "retry_after", (json_int_t)wait));
}
