"""Bad input: clear JSON errors with the right status, nothing lost."""
import requests


def test_unknown_api_path_is_json_404(api):
    r = requests.get(api.url("/nope"))
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "not_found"


def test_wrong_method_is_405_with_allow(api):
    r = requests.get(api.url("/login"))
    assert r.status_code == 405
    assert r.headers["Allow"] == "POST"
    assert r.json()["error"]["code"] == "method_not_allowed"
    r = requests.delete(api.url("/me"))
    assert r.status_code == 405


def test_malformed_json_is_400(api):
    r = requests.post(api.url("/login"), data='{"member_no": "1100', headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_json"


def test_json_that_is_not_an_object_is_400(api):
    r = requests.post(api.url("/login"), json=["110000000001", "Demo@2026"])
    assert r.status_code == 400


def test_other_media_types_are_415(api):
    r = requests.post(api.url("/login"), data=b"member_no=1", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_body_over_the_limit_is_413(api):
    r = requests.post(api.url("/login"), json={"member_no": "1", "password": "x" * 20000})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"


def test_chunked_body_over_the_limit_is_413_while_reading(api):
    def chunks():
        yield b'{"member_no":"1","password":"'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'
    r = requests.post(api.url("/login"), data=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_broken_percent_escape_in_form_is_400(api):
    r = requests.post(api.url("/login"), data=b"member_no=%G1&password=x",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_form"


def test_api_answers_are_not_cached(api):
    r = requests.get(api.url("/me"))
    assert r.headers["Cache-Control"] == "no-store"
