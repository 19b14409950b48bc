def test_wrong_method_is_problem_json(world, api):
    r = api.post("/api/v1/company", "{}", content_type="application/json", HTTP_X_API_KEY=world.key_a)
    assert r.status_code == 405
    assert r["Content-Type"] == "application/problem+json"
    assert r.json()["code"] == "method_not_allowed"
    assert "GET" in r["Allow"]


def test_unknown_endpoint_is_problem_json(db, api):
    r = api.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
