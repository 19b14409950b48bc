def test_get_company_with_api_key_acts_as_owner(world, api):
    r = api.get_with_key("/api/v1/company", world.key_a)
    assert r.status_code == 200
    body = r.json()
    assert body["company"]["id"] == world.a.id
    assert body["caller"]["type"] == "apikey"
    assert body["role"] == "owner"
    assert "organization:update" in body["permissions"]
    assert body["locations"] is None


def test_company_is_taken_from_the_credential(world, api):
    assert api.get_with_key("/api/v1/company", world.key_b).json()["company"]["id"] == world.b.id
