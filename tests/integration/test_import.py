"""cicpa-admin import-members and export-audit, on the test database."""
import csv
import io
import os
import re
import shutil

import pytest

from conftest import ROOT
from staff import cicpa_admin

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
COLUMNS = ["member_no", "user_type", "name", "sex", "ethnicity", "birth_date", "id_type", "id_number",
           "education", "work_unit", "mobile", "email", "institute", "admission_date", "category",
           "cert_no", "password_hash"]
DEMO_HASH = "$2y$10$4BCzqqs.PSDr/PRQ8Mb4/uRe8QMdOwD6xoeO9AJ7uFxwxABNyaBnq"  # Demo@2026
_runs = [0]


def id_number(birth, serial):
    """A valid GB 11643 number of a Beijing resident born on birth (YYYYMMDD)."""
    body = "110101%s%03d" % (birth, serial % 1000)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


def member_row(prefix, i):
    birth = "19%02d%02d%02d" % (60 + i % 40, 1 + i % 12, 1 + i % 28)
    return {"member_no": "%s%05d" % (prefix, i), "user_type": "non_practicing", "name": "导入" + "".join("甲乙丙丁戊己庚辛壬癸"[int(d)] for d in str(i)),
            "sex": "男" if i % 2 else "女", "ethnicity": "汉族",
            "birth_date": "%s-%s-%s" % (birth[:4], birth[4:6], birth[6:]), "id_type": "居民身份证",
            "id_number": id_number(birth, i), "education": "大学本科", "work_unit": "某会计师事务所, 北京",
            "mobile": "138%08d" % i, "email": "m%d@example.com" % i, "institute": "11",
            "admission_date": "2015-06-30", "category": "非执业会员", "cert_no": "11%010d" % i,
            "password_hash": DEMO_HASH if i % 3 == 0 else ""}


def prefix():
    _runs[0] += 1
    return "8%02d%04d" % (_runs[0], os.getpid() % 10000)


def write_csv(tmp_path, rows, name="members.csv", bom=True):
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    w.writeheader()
    w.writerows(rows)
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode())
    return str(path)


def count_members(db, pre):
    return db.query("SELECT COUNT(*) FROM members WHERE member_no LIKE ?", pre + "%")[0][0]


def test_thousands_of_rows_with_bad_ones_import_nothing_and_report_every_line(db, tmp_path):
    pre = prefix()
    rows = [member_row(pre, i) for i in range(3000)]
    bad = {10: ("mobile", "12345"), 500: ("institute", "99"), 1500: ("id_number", "110101199003071234"),
           2999: ("user_type", "member"), 2000: ("birth_date", "1990-02-30")}
    for i, (key, value) in bad.items():
        rows[i][key] = value
    rows[700]["member_no"] = rows[699]["member_no"]
    path = write_csv(tmp_path, rows)
    rc, _, err = cicpa_admin(db, "import-members", path)
    assert rc == 1
    reported = {int(m.group(1)) for m in re.finditer(r"^%s:(\d+): " % re.escape(path), err, re.M)}
    assert reported == {i + 2 for i in list(bad) + [700]}   # header is line 1
    assert "nothing imported" in err
    assert count_members(db, pre) == 0


def test_a_good_file_imports_and_a_second_one_updates(db, tmp_path, api):
    pre = prefix()
    rows = [member_row(pre, i) for i in range(3000)]
    rc, out, err = cicpa_admin(db, "import-members", write_csv(tmp_path, rows))
    assert rc == 0, err
    assert count_members(db, pre) == 3000
    first = rows[0]["member_no"]
    assert db.query("SELECT value FROM member_fields WHERE member_no = ? AND field_key = 'work_unit'",
                    first) == [("某会计师事务所, 北京",)]
    assert api.login(rows[3]["member_no"]).status_code == 200          # a hash from the file
    assert api.login(rows[1]["member_no"]).json()["error"]["code"] == "password_not_set"
    rows[3]["password_hash"] = ""
    rows[3]["mobile"] = "13900000000"
    rc, _, err = cicpa_admin(db, "import-members", write_csv(tmp_path, rows[:5], "update.csv", bom=False))
    assert rc == 0, err
    assert count_members(db, pre) == 3000
    assert db.query("SELECT value FROM member_fields WHERE member_no = ? AND field_key = 'mobile'",
                    rows[3]["member_no"]) == [("13900000000",)]
    assert api.login(rows[3]["member_no"]).status_code == 200          # kept: the file had none
    assert db.query("SELECT COUNT(*) FROM audit_log WHERE member_no = ? AND action = 'member_imported'",
                    first)[0][0] == 2


def test_photos_come_from_the_folder_and_must_pass_the_rules(db, tmp_path):
    pre = prefix()
    rows = [member_row(pre, i) for i in range(3)]
    photos = tmp_path / "photos"
    photos.mkdir()
    shutil.copy(os.path.join(ROOT, "sql", "demo", "photos", "110000000001.jpg"),
                photos / (rows[0]["member_no"] + ".jpg"))
    (photos / (rows[1]["member_no"] + ".jpg")).write_bytes(b"not a jpeg")
    path = write_csv(tmp_path, rows)
    rc, _, err = cicpa_admin(db, "import-members", path, str(photos))
    assert rc == 1 and ":3: photo:" in err
    (photos / (rows[1]["member_no"] + ".jpg")).unlink()
    rc, _, err = cicpa_admin(db, "import-members", path, str(photos))
    assert rc == 0, err
    status = dict(db.query("SELECT member_no, photo_status FROM members WHERE member_no LIKE ?", pre + "%"))
    assert status == {rows[0]["member_no"]: "on_file", rows[1]["member_no"]: "none",
                      rows[2]["member_no"]: "none"}


def test_header_must_name_known_fields(db, tmp_path):
    path = tmp_path / "bad-header.csv"
    path.write_text("member_no,user_type,favourite_colour\n1,practicing,red\n")
    rc, _, err = cicpa_admin(db, "import-members", str(path))
    assert rc == 1 and ":1: favourite_colour: no such field" in err
    path.write_text('member_no,user_type\n"1,practicing\n')
    rc, _, err = cicpa_admin(db, "import-members", str(path))
    assert rc == 1 and "line 2: quoted field never closed" in err


def test_export_audit_is_csv_without_full_id_numbers(db, member1):
    rc, out, err = cicpa_admin(db, "export-audit", "--since", "2026-01-01")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["id", "time_utc", "actor", "member_no", "action", "detail", "client_ip"]
    assert any(r[2] == "member:110000000001" and r[4] == "login" for r in rows[1:])
    assert "110101199003071233" not in out
    assert cicpa_admin(db, "export-audit", "--since", "yesterday")[0] != 0
