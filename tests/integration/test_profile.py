"""The profile (guide 1.3 and 2.3): required (*) and staff-only fields, the
save that is all or nothing, the gate before the download, the audit trail,
and the institutes' consultation phone numbers."""
import datetime
import json
import threading

import pytest
import requests

MEMBER1_ID = "110101199003071233"      # demo member 110000000001, born 1990-03-07
BEIJING = ("北京注册会计师协会", "010-60001100")


def put(api, fields, **kw):
    """A cookie session's save, as the PC page sends it."""
    headers = kw.pop("headers", {"X-CSRF-Token": api.csrf})
    return api.http.put(api.url("/me/profile"), json=fields, headers=headers, **kw)


def download(api):
    return api.http.post(api.url("/me/certificate"), data={"confirm": "1"},
                         headers={"X-CSRF-Token": api.csrf})


def stored(db, member_no):
    return dict(db.query("SELECT field_key, value FROM member_fields WHERE member_no = ?", member_no))


def profile_audit(db, member_no):
    rows = db.query("SELECT actor, detail FROM audit_log WHERE member_no = ? AND action = ?"
                    " ORDER BY id", member_no, "profile_update")
    return [(actor, json.loads(detail)) for actor, detail in rows]


def error_of(r):
    return r.json()["error"]


def gb11643(first17):
    """A resident identity card number: 17 digits and their check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@pytest.fixture
def member(api, make_member):
    """Creates a member of its own (make_member's arguments) and logs in."""
    def start(**kw):
        number = make_member(**kw)
        assert api.login(number).status_code == 200
        return number
    return start


@pytest.fixture
def catalogue(db):
    """Changes field_catalogue flags for one test (as an association would,
    with an UPDATE) and puts them back afterwards."""
    saved = []

    def set_flag(key, column, value):
        assert column in ("required", "member_editable")
        saved.append((key, column, db.query(f"SELECT {column} FROM field_catalogue"
                                            " WHERE field_key = ?", key)[0][0]))
        db.query(f"UPDATE field_catalogue SET {column} = ? WHERE field_key = ?", value, key)
    yield set_flag
    for key, column, value in reversed(saved):
        db.query(f"UPDATE field_catalogue SET {column} = ? WHERE field_key = ?", value, key)


# --- the gate before the download ------------------------------------------

def test_missing_mobile_blocks_the_download_until_the_member_fills_it(api, member, db):
    number = member(drop=("mobile",))
    r = download(api)
    assert r.status_code == 409
    assert error_of(r)["code"] == "profile_incomplete"
    assert error_of(r)["message"].startswith("请您先将基础信息中的必填信息补充完整")
    assert error_of(r)["fields"] == ["mobile"]
    assert error_of(r)["next_step"] == "complete_profile"

    r = put(api, {"mobile": "+86 138-0013-8000"})
    assert r.status_code == 200, r.text
    me = r.json()
    assert me["changed"] == ["mobile"]
    assert me["missing_required"] == []
    assert me["next_step"] == "download"
    assert stored(db, number)["mobile"] == "13800138000"

    r = download(api)
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF-")


def test_required_flag_is_data(api, member, catalogue):
    member(drop=("position",))
    assert download(api).status_code == 200
    catalogue("position", "required", 1)
    r = download(api)
    assert r.status_code == 409
    assert error_of(r)["fields"] == ["position"]
    me = api.http.get(api.url("/me")).json()
    assert me["missing_required"] == ["position"]
    assert [f["required"] for f in me["fields"] if f["key"] == "position"] == [True]


def test_missing_staff_only_field_says_contact_the_institute(api, member):
    member(drop=("cert_no", "mobile"))
    r = download(api)
    assert r.status_code == 409
    error = error_of(r)
    assert error["code"] == "contact_institute"
    assert error["next_step"] == "contact_institute"
    assert error["fields"] == ["cert_no"]
    assert "证书编号" in error["message"] and "手机号码" not in error["message"]
    assert BEIJING[0] in error["message"] and BEIJING[1] in error["message"]
    assert (error["institute"]["name"], error["institute"]["phone"]) == BEIJING
    # the member cannot fill it in
    assert error_of(put(api, {"cert_no": "110000150099"}))["code"] == "staff_only_field"


def test_editable_flag_is_data(api, member, catalogue, db):
    number = member()
    catalogue("mobile", "member_editable", 0)
    r = put(api, {"mobile": "13900139000"})
    assert r.status_code == 403
    assert error_of(r)["code"] == "staff_only_field"
    assert stored(db, number)["mobile"] == "13800138001"


# --- all or nothing --------------------------------------------------------

def test_one_invalid_field_saves_nothing(api, member, db):
    number = member()
    before = stored(db, number)
    r = put(api, {"mobile": "13900139000", "work_unit": "新单位", "email": "not-an-address"})
    assert r.status_code == 422
    error = error_of(r)
    assert error["code"] == "invalid_fields"
    assert list(error["fields"]) == ["email"]
    assert "电子邮箱" in error["fields"]["email"]
    assert stored(db, number) == before
    assert profile_audit(db, number) == []


def test_every_invalid_field_gets_its_own_message(api, member):
    member()
    r = put(api, {"mobile": "123", "postcode": "1000", "sex": "M"})
    assert r.status_code == 422
    fields = error_of(r)["fields"]
    assert set(fields) == {"mobile", "postcode", "sex"}
    assert "手机号码" in fields["mobile"]
    assert "6位数字" in fields["postcode"]
    assert "男、女" in fields["sex"]


def test_staff_only_field_is_refused_with_the_institute_phone(api, member, db):
    number = member()
    before = stored(db, number)
    r = put(api, {"name": "王五", "mobile": "13900139000"})
    assert r.status_code == 403
    error = error_of(r)
    assert error["code"] == "staff_only_field"
    assert error["fields"] == ["name"]
    assert "姓名" in error["message"] and "注协" in error["message"]
    assert BEIJING[0] in error["message"] and BEIJING[1] in error["message"]
    assert (error["institute"]["name"], error["institute"]["phone"]) == BEIJING
    assert stored(db, number) == before


def test_staff_only_values_may_be_sent_back_unchanged(api, member, db):
    number = member()
    me = api.http.get(api.url("/me")).json()
    shown = {f["key"]: f["value"] for f in me["fields"]}
    shown["mobile"] = "13900139000"
    r = put(api, shown)                  # the whole form, masked ID number included
    assert r.status_code == 200, r.text
    assert r.json()["changed"] == ["mobile"]
    spaced_id = f"{MEMBER1_ID[:6]} {MEMBER1_ID[6:14]} {MEMBER1_ID[14:]}"
    r = put(api, {"name": " 张明远 ", "id_number": spaced_id, "institute": "11"})
    assert r.status_code == 200, r.text
    assert r.json()["changed"] == []
    assert stored(db, number)["id_number"] == MEMBER1_ID


def test_unknown_field_is_422(api, member, db):
    number = member()
    r = put(api, {"nickname": "小张", "mobile": "13900139000"})
    assert r.status_code == 422
    assert error_of(r)["code"] == "unknown_field"
    assert error_of(r)["fields"] == ["nickname"]
    assert stored(db, number)["mobile"] == "13800138001"


@pytest.mark.parametrize("value", ["", "   ", "\u3000"])
def test_required_field_cannot_be_emptied(api, member, db, value):
    number = member()
    r = put(api, {"mobile": value})
    assert r.status_code == 422
    assert "必填" in error_of(r)["fields"]["mobile"]
    assert stored(db, number)["mobile"] == "13800138001"


def test_required_field_left_empty_is_still_required(api, member):
    member(drop=("mobile",))
    r = put(api, {"mobile": ""})
    assert r.status_code == 422
    assert "必填" in error_of(r)["fields"]["mobile"]


@pytest.mark.parametrize("empty", ["", None])
def test_optional_field_can_be_cleared(api, member, db, empty):
    number = member()
    r = put(api, {"position": empty})
    assert r.status_code == 200
    assert "position" not in stored(db, number)
    assert [f["value"] for f in r.json()["fields"] if f["key"] == "position"] == [""]


def test_nothing_to_change_is_a_quiet_success(api, member, db):
    number = member()
    r = put(api, {"mobile": "13800138001"})
    assert r.status_code == 200
    assert r.json()["changed"] == []
    assert profile_audit(db, number) == []


# --- how the request may come ----------------------------------------------

def test_cookie_put_needs_the_csrf_token(api, member, db):
    number = member()
    r = put(api, {"mobile": "13900139000"}, headers={})
    assert r.status_code == 403
    assert error_of(r)["code"] == "csrf"
    r = put(api, {"mobile": "13900139000"}, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403
    assert stored(db, number)["mobile"] == "13800138001"


def test_bearer_put_needs_no_csrf_token(api, member, db):
    number = member()
    r = requests.put(api.url("/me/profile"), json={"mobile": "13900139000"}, headers=api.bearer())
    assert r.status_code == 200, r.text
    assert stored(db, number)["mobile"] == "13900139000"


def test_form_urlencoded_put_with_csrf_field(api, member, db):
    number = member()
    r = api.http.put(api.url("/me/profile"),
                     data={"work_unit": "上海 示例 公司", "csrf_token": api.csrf})
    assert r.status_code == 200, r.text
    assert stored(db, number)["work_unit"] == "上海 示例 公司"


def test_numbers_in_json_are_taken_as_text(api, member, db):
    number = member()
    assert put(api, {"postcode": 200001}).status_code == 200
    assert stored(db, number)["postcode"] == "200001"


def test_json_with_nested_values_is_400(api, member):
    member()
    r = put(api, {"mobile": ["13900139000"]})
    assert r.status_code == 400


def test_put_needs_a_session(api):
    r = requests.put(api.url("/me/profile"), json={"mobile": "13900139000"})
    assert r.status_code == 401


def test_profile_only_takes_put(api):
    r = requests.get(api.url("/me/profile"))
    assert r.status_code == 405
    assert r.headers["Allow"] == "PUT"


# --- each validator through the API ----------------------------------------

TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
TODAY = datetime.date.today().isoformat()

# field, submitted value, stored value (None: refused with 422)
VALIDATOR_CASES = [
    ("mobile", "13912345678", "13912345678"),
    ("mobile", "+86 139-1234-5678", "13912345678"),
    ("mobile", "0086 13912345678", "13912345678"),
    ("mobile", "12912345678", None),
    ("mobile", "1391234567", None),
    ("mobile", "139123456789", None),
    ("mobile", "１３９１２３４５６７８", None),
    ("mobile", "+852 91234567", None),
    ("email", "Li.Ming@Example.COM", "Li.Ming@example.com"),
    ("email", "li+cpa@mail.example.cn", "li+cpa@mail.example.cn"),
    ("email", "li@example", None),
    ("email", "li ming@example.com", None),
    ("email", "张三@example.com", None),
    ("email", "li@@example.com", None),
    ("postcode", "010010", "010010"),
    ("postcode", "10001", None),
    ("postcode", "1000100", None),
    ("postcode", "10001a", None),
    ("birth_date", "2000-02-29", "2000-02-29"),
    ("birth_date", TODAY, TODAY),
    ("birth_date", TOMORROW, None),
    ("birth_date", "2023-02-29", None),
    ("birth_date", "1899-12-31", None),
    ("birth_date", "2000/01/01", None),
    ("sex", "女", "女"),
    ("sex", "female", None),
    ("education", "硕士研究生", "硕士研究生"),
    ("education", "研究生", None),
    ("work_unit", "  北京示例会计师事务所（特殊普通合伙）\n", "北京示例会计师事务所（特殊普通合伙）"),
    ("work_unit", "北京\n示例", None),
    ("work_unit", "北京\t示例", None),
    ("work_unit", "北京\x1b示例", None),
    ("work_unit", "示例\u202e公司", None),
    ("work_unit", "中" * 100, "中" * 100),            # 300 bytes, 100 characters
    ("work_unit", "中" * 101, None),
    ("position", "𠮷" * 40, "𠮷" * 40),              # 160 bytes, 40 characters
    ("position", "𠮷" * 41, None),
    ("ethnicity", "维吾尔族", "维吾尔族"),
]


@pytest.mark.parametrize("key,value,expected", VALIDATOR_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(VALIDATOR_CASES)])
def test_validator_edges(api, member, db, key, value, expected):
    # a passport holder, so birth dates are not tied to an ID number here
    number = member(fields={"id_type": "护照", "id_number": "E12345678"})
    before = stored(db, number)
    r = put(api, {key: value})
    if expected is None:
        assert r.status_code == 422, r.text
        assert list(error_of(r)["fields"]) == [key]
        assert stored(db, number) == before
    else:
        assert r.status_code == 200, r.text
        assert stored(db, number)[key] == expected


NAME_CASES = [
    ("𠮷田", "𠮷田"),
    ("买买提·艾力", "买买提·艾力"),
    ("买买提 · 艾力", "买买提·艾力"),
    ("买买提・艾力", "买买提·艾力"),
    ("Jean-Pierre", "Jean-Pierre"),
    ("买买提.艾力", None),
    ("·艾力", None),
    ("张三3", None),
    ("张<三>", None),
    ("张" * 51, None),
]


@pytest.mark.parametrize("value,expected", NAME_CASES)
def test_name_validator_when_the_association_lets_members_edit_it(api, member, db, catalogue,
                                                                 value, expected):
    number = member()
    catalogue("name", "member_editable", 1)
    r = put(api, {"name": value})
    if expected is None:
        assert r.status_code == 422, r.text
        assert list(error_of(r)["fields"]) == ["name"]
        assert stored(db, number)["name"] == "张明远"
    else:
        assert r.status_code == 200, r.text
        assert stored(db, number)["name"] == expected


def test_birth_date_must_match_the_resident_id_number(api, member, db):
    number = member()
    r = put(api, {"birth_date": "1990-03-08"})
    assert r.status_code == 422
    assert "不一致" in error_of(r)["fields"]["birth_date"]
    assert MEMBER1_ID not in r.text and "19900307" not in r.text
    assert stored(db, number)["birth_date"] == "1990-03-07"


def test_id_number_is_checked_against_its_type_and_birth_date(api, member, db, catalogue):
    number = member()
    catalogue("id_number", "member_editable", 1)
    new_id = gb11643("11010519851212002")
    wrong_check = new_id[:-1] + ("0" if new_id[-1] != "0" else "1")
    r = put(api, {"id_number": wrong_check, "birth_date": "1985-12-12"})
    assert r.status_code == 422
    assert "校验位" in error_of(r)["fields"]["id_number"]
    r = put(api, {"id_number": new_id})                      # birth date still 1990-03-07
    assert r.status_code == 422
    assert "不一致" in error_of(r)["fields"]["id_number"]
    r = put(api, {"id_number": new_id.lower(), "birth_date": "1985-12-12"})
    assert r.status_code == 200, r.text
    assert stored(db, number)["id_number"] == new_id.upper()
    assert stored(db, number)["birth_date"] == "1985-12-12"


def test_institute_is_checked_against_the_institutes_table(api, member, db, catalogue):
    number = member()
    catalogue("institute", "member_editable", 1)
    r = put(api, {"institute": "99"})
    assert r.status_code == 422
    assert "所属注协" in error_of(r)["fields"]["institute"]
    r = put(api, {"institute": " 31 "})
    assert r.status_code == 200, r.text
    assert stored(db, number)["institute"] == "31"
    assert r.json()["institute"]["name"] == "上海市注册会计师协会"


# --- stored and returned as data --------------------------------------------

def test_html_is_stored_and_returned_verbatim_as_json_data(api, member, db):
    number = member()
    script = "<script>alert(1)</script>"
    r = put(api, {"work_unit": script})
    assert r.status_code == 200
    assert stored(db, number)["work_unit"] == script
    r = api.http.get(api.url("/me"))
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert [f["value"] for f in r.json()["fields"] if f["key"] == "work_unit"] == [script]


# --- concurrent saves ------------------------------------------------------

def test_concurrent_saves_never_interleave_fields(api, member, db):
    number = member()
    headers = api.bearer()
    sets = [{"work_unit": f"单位{x}", "position": f"职务{x}", "address": f"地址{x}"} for x in "AB"]
    threads_n, rounds = 20, 3
    start = threading.Barrier(threads_n)
    statuses = []

    # A connection per request: mpm_event may retire an idle child during
    # the burst and close its kept-alive connections, a client-side race.
    def save(i):
        start.wait()
        for _ in range(rounds):
            statuses.append(requests.put(api.url("/me/profile"), json=sets[i % 2],
                                         headers=headers, timeout=60).status_code)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * (threads_n * rounds)
    after = stored(db, number)
    assert {k: after[k] for k in sets[0]} in sets
    # every audited change moved the trio from one whole set to the other
    trail = profile_audit(db, number)
    assert len(trail) % 3 == 0
    for i in range(0, len(trail), 3):
        group = trail[i:i + 3]
        assert {d["field"] for _, d in group} == set(sets[0])
        assert {d["new"][-1] for _, d in group} in ({"A"}, {"B"})


# --- the audit trail -------------------------------------------------------

def test_every_change_is_audited_with_id_numbers_masked(api, member, db, catalogue, httpd):
    number = member()
    catalogue("id_number", "member_editable", 1)
    new_id = gb11643("11010519900307009")
    assert put(api, {"mobile": "13900139000", "id_number": new_id}).status_code == 200
    trail = profile_audit(db, number)
    assert [actor for actor, _ in trail] == [f"member:{number}"] * 2
    details = {d["field"]: d for _, d in trail}
    assert details["mobile"] == {"field": "mobile", "old": "13800138001", "new": "13900139000"}
    assert details["id_number"] == {"field": "id_number", "old": "1" + "*" * 16 + "3",
                                    "new": new_id[0] + "*" * 16 + new_id[-1]}
    raw = db.query("SELECT detail FROM audit_log WHERE member_no = ?", number)
    assert not any(MEMBER1_ID in d or new_id in d for (d,) in raw)
    at = db.query("SELECT at FROM audit_log WHERE member_no = ? AND action = ?", number, "profile_update")
    assert all(abs(a - datetime.datetime.now().timestamp()) < 120 for (a,) in at)
    log = httpd.log_text()
    assert new_id not in log and "13900139000" not in log


# --- consultation phone numbers ----------------------------------------------

def test_contacts_lists_every_institute_with_its_phone(api, db):
    r = requests.get(api.url("/contacts"))
    assert r.status_code == 200
    institutes = r.json()["institutes"]
    assert len(institutes) == 32
    expected = db.query("SELECT code, name, phone FROM institutes ORDER BY sort_order")
    assert [(i["code"], i["name"], i["phone"]) for i in institutes] == [tuple(e) for e in expected]
    assert institutes[0]["name"] == "中国注册会计师协会"
    assert all(i["phone"] for i in institutes)
    assert {"name": BEIJING[0], "phone": BEIJING[1], "code": "11"} in institutes
