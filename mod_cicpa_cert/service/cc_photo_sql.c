#include "cc_photo_sql.h"
#include "cc_scope.h"

const cc_statement cc_photo_statements[] = {
    { "cc_photo_get", "SELECT jpeg_b64 FROM member_photos WHERE member_no = %s" },
    { "cc_photo_present", "SELECT sha256 FROM member_photos WHERE member_no = %s" },
    { "cc_photo_status", "SELECT photo_status FROM members WHERE member_no = %s" },
    { "cc_compare_record", "INSERT INTO photo_comparisons (member_no, request_id, result, score, at)"
                           " VALUES (%s, %s, %s, CAST(%s AS INTEGER), CAST(%s AS BIGINT))" },
    { "cc_member_photo_delete", "DELETE FROM member_photos WHERE member_no = %s" },
    { "cc_member_photo_insert", "INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
                                " VALUES (%s, %s, %s, CAST(%s AS BIGINT))" },
    { "cc_upload_delete", "DELETE FROM photo_uploads WHERE member_no = %s" },
    { "cc_upload_insert", "INSERT INTO photo_uploads (member_no, jpeg_b64, sha256, reason, uploaded_at)"
                          " VALUES (%s, %s, %s, %s, CAST(%s AS BIGINT))" },
    /* Oldest upload first; at most a page of the queue. */
    { "cc_review_queue",
      "SELECT m.member_no, n.value, i.value, u.reason, u.uploaded_at"
      " FROM members m JOIN photo_uploads u ON u.member_no = m.member_no"
      " LEFT JOIN member_fields n ON n.member_no = m.member_no AND n.field_key = 'name'"
      " LEFT JOIN member_fields i ON i.member_no = m.member_no AND i.field_key = 'institute'"
      " WHERE m.photo_status = 'awaiting_review' AND " CC_IN_SCOPE(
          "m") " ORDER BY u.uploaded_at, m.member_no LIMIT 200" },
    { "cc_review_upload",
      "SELECT u.jpeg_b64 FROM photo_uploads u WHERE u.member_no = %s AND " CC_IN_SCOPE("u") },
    { "cc_review_take_upload",
      "INSERT INTO member_photos (member_no, jpeg_b64, sha256, updated_at)"
      " SELECT member_no, jpeg_b64, sha256, CAST(%s AS BIGINT) FROM photo_uploads WHERE member_no = %s" },
    { "cc_admin_comparisons",
      "SELECT c.result, c.score, c.at, c.request_id FROM photo_comparisons c"
      " WHERE c.member_no = %s AND " CC_IN_SCOPE("c") " ORDER BY c.at DESC, c.id DESC LIMIT 20" },
    { "cc_admin_upload_info", "SELECT u.reason, u.uploaded_at, u.sha256 FROM photo_uploads u"
                              " WHERE u.member_no = %s AND " CC_IN_SCOPE("u") },
    { NULL, NULL }
};
