#include "cc_audit.h"
#include "cc_captcha_store.h"
#include "cc_certificate.h"
#include "cc_certificate_store.h"
#include "cc_health.h"
#include "cc_institute.h"
#include "cc_login.h"
#include "cc_member.h"
#include "cc_photo.h"
#include "cc_profile.h"
#include "cc_recovery.h"
#include "cc_reference_photos.h"
#include "cc_services.h"
#include "cc_session.h"
#include "cc_staff_session.h"
#include "cc_staff_session_sql.h"
#include "cc_throttle.h"

const cc_statement *const cc_service_statements[] = { cc_session_statements,
                                                      cc_staff_session_statements,
                                                      cc_member_statements,
                                                      cc_institute_statements,
                                                      cc_audit_statements,
                                                      cc_throttle_statements,
                                                      cc_captcha_statements,
                                                      cc_login_statements,
                                                      cc_recovery_statements,
                                                      cc_photo_statements,
                                                      cc_profile_statements,
                                                      cc_certificate_statements,
                                                      cc_certificate_store_statements,
                                                      cc_reference_statements,
                                                      cc_health_statements,
                                                      NULL };
