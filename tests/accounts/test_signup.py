"""Public sign-up: throttled per address, names stored NFKC and case-folded, look-alikes of
existing names refused, and the same answer for a taken name as for a free one."""

import asyncio
import json

import pytest

from accounts import services
from accounts.tables import AuditEntry, User
from accounts.usernames import canonical_username, username_script_problems, username_skeleton
from tests.support import PASSWORD, csrf, login, make_user
from xuehui.errors import InvalidInput, TooManyRequests

CYRILLIC_A = "\u0430"
FULL_WIDTH_A = "\uff41"
MAIL = "x@example.org"


@pytest.mark.pure
@pytest.mark.parametrize(
    "name", ["Admin", "ADMIN", f"{FULL_WIDTH_A}dmin", f"{CYRILLIC_A}dmin", "adrnin", "\u0430\u0501min"]
)
def test_look_alikes_of_admin_share_its_skeleton(name: str) -> None:
    assert username_skeleton(name) == username_skeleton("admin") == "admin"


@pytest.mark.pure
def test_names_are_stored_nfkc_and_case_folded_and_may_not_mix_alphabets() -> None:
    assert canonical_username(f" {FULL_WIDTH_A}DMIN ") == "admin"
    assert canonical_username("张三") == "张三"
    assert [r.code for r in username_script_problems(f"{CYRILLIC_A}dmin")] == ["user.username_mixed"]
    assert username_script_problems("张三zhang3") == username_script_problems("\u0441\u043e\u0440") == []
    assert username_skeleton("张三") != username_skeleton("张四")


async def _sign_up(client, username: str, password: str = PASSWORD):
    return await client.post(
        "/candidate/signup",
        data={
            "username": username,
            "display_name": "张三",
            "email": f"{username}@example.org",
            "password": password,
            "confirm_password": password,
            "_csrf_token": await csrf(client, "/candidate/signup"),
        },
        follow_redirects=False,
    )


async def test_a_taken_name_gets_the_same_answer_as_a_free_one_and_is_not_created(client) -> None:
    await make_user("admin", "admin")
    free = await _sign_up(client, "zhangsan")
    taken = await _sign_up(client, "admin", "another-long-passphrase")
    assert (free.status_code, free.headers["location"]) == (taken.status_code, taken.headers["location"])
    assert free.headers["location"] == "/candidate/signup?done=requested"
    page = (await client.get(free.headers["location"])).text
    assert "注册申请已受理" in page and "用户名已被使用" not in page
    names = {r["username"]: r["role"] for r in await User.select(User.username, User.role)}
    assert names == {"admin": "admin", "zhangsan": "candidate"}
    # The taken name's password does not open the existing account.
    refused = await client.post(
        "/login",
        data={"username": "admin", "password": "another-long-passphrase", "_csrf_token": await csrf(client, "/login")},
    )
    assert refused.status_code == 422


@pytest.mark.parametrize("look_alike", ["Admin", f"{FULL_WIDTH_A}dmin", "\u0430\u0501m\u0456n", "ADRNIN"])
async def test_look_alikes_of_an_existing_name_are_not_created(client, look_alike: str) -> None:
    await make_user("admin", "admin")
    answer = await _sign_up(client, look_alike)
    assert (answer.status_code, answer.headers.get("location")) in {
        (303, "/candidate/signup?done=requested"),
        (422, None),  # a name mixing alphabets is refused outright, whoever holds what
    }
    assert [r["username"] for r in await User.select(User.username)] == ["admin"]


async def test_a_mixed_alphabet_name_is_refused_beside_the_field(client) -> None:
    answer = await _sign_up(client, f"{CYRILLIC_A}dmin")
    assert answer.status_code == 422
    assert "用户名不能混用不同的字母表" in answer.text and "张三" in answer.text
    assert await User.count() == 0


async def test_a_signed_up_name_is_stored_folded_and_signs_in_as_typed(client) -> None:
    answer = await _sign_up(client, f"Zhang{FULL_WIDTH_A.upper()}n")
    assert answer.status_code == 303
    assert [r["username"] for r in await User.select(User.username)] == ["zhangan"]
    await User.update({User.active: True}).where(User.username == "zhangan")  # as its mailed link does
    await login(client, "ZhangAn")
    assert (await client.get("/api/me")).json()["username"] == "zhangan"


async def test_sign_ups_are_throttled_per_address_with_retry_after(client) -> None:
    for n in range(5):
        assert (await _sign_up(client, f"cand{n}x")).status_code == 303
    held = await _sign_up(client, "cand9x")
    assert held.status_code == 429 and 3590 <= int(held.headers["retry-after"]) <= 3601
    assert "来自此地址的注册过多" in held.text
    assert await User.count() == 5
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions.count("account.signup") == 5 and actions[-1] == "account.signup_throttled"
    # Another address still signs up.
    await services.sign_up(username="other", display_name="李四", email=MAIL, password=PASSWORD, ip="10.8.0.1")
    assert await User.count() == 6


async def test_a_burst_of_sign_ups_hashes_no_more_passwords_than_the_limit() -> None:
    outcomes = await asyncio.gather(
        *(
            services.sign_up(username=f"burst{n}x", display_name="王五", email=MAIL, password=PASSWORD, ip="10.9.0.1")
            for n in range(12)
        ),
        return_exceptions=True,
    )
    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds == ["NoneType"] * 5 + ["TooManyRequests"] * 7
    assert await User.count() == 5
    assert all(isinstance(o, TooManyRequests) for o in outcomes if o is not None)


async def test_a_taken_name_is_audited_for_the_association() -> None:
    await make_user("admin", "admin")
    await services.sign_up(username="ADMIN", display_name="冒充", email=MAIL, password=PASSWORD, ip="10.7.0.1")
    entries = await AuditEntry.select(AuditEntry.action, AuditEntry.summary, AuditEntry.ip).order_by(AuditEntry.id)
    last = entries[-1]
    assert (last["action"], json.loads(last["summary"]), last["ip"]) == (
        "account.signup_name_taken",
        {"username": "admin"},
        "10.7.0.1",
    )
    with pytest.raises(InvalidInput):
        await services.sign_up(username="", display_name="x", email=MAIL, password=PASSWORD, ip="10.7.0.1")
