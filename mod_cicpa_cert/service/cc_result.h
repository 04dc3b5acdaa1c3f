/* What a service call came to. Services return one of these and never
 * answer a request themselves; the endpoints turn it into a response with
 * the one reply table (cc_reply.c). CC_DONE is the success of every call;
 * OK and DECLINED keep httpd's meaning only. */
#ifndef CC_RESULT_H
#define CC_RESULT_H

typedef enum cc_result {
    CC_DONE = 0, /* the work was done */
    /* any request */
    CC_UNAUTHENTICATED,    /* no live session */
    CC_NOT_FOUND,          /* unknown member, or one out of the staff's scope */
    CC_DB_UNAVAILABLE,     /* the database failed */
    CC_INTERNAL,           /* anything else failed */
    CC_CSRF,               /* a cookie session's change without its token */
    CC_CROSS_SITE,         /* a browser's post from a site not allowed (login CSRF) */
    CC_NO_ROUTE,           /* no endpoint at this path */
    CC_METHOD_NOT_ALLOWED, /* the endpoint takes other methods */
    CC_NODE_NOT_READY,     /* health: the font or keys are not loaded */
    /* request bodies */
    CC_BODY_TOO_LARGE,
    CC_BODY_UNREADABLE,
    CC_BODY_TIMEOUT, /* the body came too slowly (mod_reqtimeout) */
    CC_PARAMS_MEDIA_TYPE,
    CC_MALFORMED_JSON,
    CC_MALFORMED_FORM,
    CC_UPLOAD_TOO_LARGE,
    CC_UPLOAD_UNREADABLE,
    CC_UPLOAD_MEDIA_TYPE,
    CC_MALFORMED_MULTIPART,
    CC_PHOTO_MISSING,
    /* logins and captchas */
    CC_MEMBER_CREDENTIALS_MISSING,
    CC_STAFF_CREDENTIALS_MISSING,
    CC_BAD_USER_TYPE,
    CC_CAPTCHA_REQUIRED,
    CC_CAPTCHA_INVALID,
    CC_TOO_MANY_CAPTCHAS,
    CC_TOO_MANY_ATTEMPTS,   /* the attempt limits (cc_throttle.h), of: */
    CC_TOO_MANY_LOGINS,     /*   failed logins */
    CC_TOO_MANY_RECOVERIES, /*   recovery requests */
    CC_TOO_MANY_CODES,      /*   wrong reset codes */
    CC_INVALID_CREDENTIALS,
    CC_PASSWORD_NOT_SET,
    /* password recovery */
    CC_FORGOT_FIELDS_MISSING,
    CC_RESET_FIELDS_MISSING,
    CC_RECOVERY_UNAVAILABLE,
    CC_NO_CONTACT,
    CC_DELIVERY_FAILED,
    CC_INVALID_CODE,
    CC_WEAK_PASSWORD,
    /* photos */
    CC_PHOTO_NOT_FOUND,
    CC_PHOTO_UNAVAILABLE,
    CC_PHOTO_REJECTED,      /* the member's upload breaks the photo rules */
    CC_SITE_PHOTO_REJECTED, /* the staff's on-site photo breaks them */
    CC_PHOTO_ON_FILE,
    CC_ONSITE_REVIEW_PENDING,
    CC_NO_ATTEMPTS_LEFT,
    CC_IDENTITY_INCOMPLETE, /* no ID document to compare against */
    CC_COMPARISON_IN_PROGRESS,
    CC_UPLOAD_IN_PROGRESS, /* a photo kept for review is being stored */
    CC_PHOTO_QUALITY,
    CC_NO_FACE,
    CC_IDENTITY_NOT_FOUND,
    CC_COMPARISON_UNAVAILABLE,
    /* the certificate */
    CC_CERTIFICATE_HEAD,
    CC_CONFIRMATION_REQUIRED,
    CC_PHOTO_REQUIRED,
    CC_CERTIFICATE_REVIEW_PENDING,
    CC_PROFILE_STAFF_FIELDS_MISSING,
    CC_PROFILE_INCOMPLETE,
    CC_REGISTRATION_EXPIRED,
    CC_UNPRINTABLE_CHARACTERS,
    CC_CERTIFICATE_SUSPENDED,
    CC_CERTIFICATE_REVOKED,
    /* the verification page */
    CC_CERTIFICATE_UNKNOWN, /* no certificate with that id */
    CC_TOO_MANY_CHECKS,     /* CicpaCertVerifyRate */
    /* profile saves */
    CC_INVALID_FIELDS,
    CC_UNKNOWN_FIELD,
    CC_STAFF_ONLY_FIELD,
    CC_NATIONAL_ONLY_FIELD,
    /* staff */
    CC_BAD_QUERY,
    CC_BAD_FILTER,
    CC_FILTER_TOO_LONG,
    CC_REASON_REQUIRED,
    CC_NOT_AWAITING_REVIEW,
    /* identity from httpd's authentication (CicpaCertIdentity httpd) */
    CC_UNKNOWN_IDENTITY,    /* the authenticated user is no member (no staff account) */
    CC_SIGNED_IN_BY_PORTAL, /* the module's own login and recovery are off here */
    CC_RESULT_COUNT
} cc_result;

#endif
