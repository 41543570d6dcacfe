"""The write helper keeps limited resources exact under many concurrent writers, on both databases."""

import asyncio

from piccolo.querystring import QueryString

from xuehui.db import connection_pool, engine, give_slot_back, is_sqlite, take_slot, write_transaction

WRITERS = 200
QUOTA = 5


async def _slot_table() -> int:
    db = engine()
    key = "INTEGER PRIMARY KEY AUTOINCREMENT" if is_sqlite() else "SERIAL PRIMARY KEY"
    await db.run_ddl(
        f"CREATE TABLE IF NOT EXISTS xh_test_slot (id {key}, used INTEGER NOT NULL, quota INTEGER NOT NULL)"
    )
    await db.run_ddl(f"CREATE TABLE IF NOT EXISTS xh_test_claim (id {key}, slot INTEGER NOT NULL)")
    await db.run_querystring(QueryString("DELETE FROM xh_test_claim"))
    await db.run_querystring(QueryString("DELETE FROM xh_test_slot"))
    rows = await db.run_querystring(
        QueryString("INSERT INTO xh_test_slot (used, quota) VALUES (0, {}) RETURNING id", QUOTA)
    )
    return int(rows[0]["id"])


async def _count(table: str) -> int:
    rows = await engine().run_querystring(QueryString(f"SELECT COUNT(*) AS n FROM {table}"))  # noqa: S608 - constant
    return int(rows[0]["n"])


async def test_exactly_the_quota_is_taken_by_200_concurrent_writers() -> None:
    slot = await _slot_table()
    async with connection_pool(20):  # as in the app: 200 requests share a pool of connections
        await _claim_concurrently(slot)


async def _claim_concurrently(slot: int) -> None:

    async def claim() -> bool:
        async with write_transaction():
            if not await take_slot("xh_test_slot", slot):
                return False
            await engine().run_querystring(QueryString("INSERT INTO xh_test_claim (slot) VALUES ({})", slot))
            return True

    results = await asyncio.gather(*(claim() for _ in range(WRITERS)))
    assert results.count(True) == QUOTA
    assert await _count("xh_test_claim") == QUOTA


async def test_a_naive_count_then_insert_over_admits_so_the_test_has_power() -> None:
    """The same race without the conditional update: it stores more than the quota.

    Run outside the write helper, as careless code would be, with a pause between the read and
    the write like any real handler has (validation, rendering, an await on anything).
    """
    slot = await _slot_table()

    async def naive_claim() -> bool:
        count = await _count("xh_test_claim")
        await asyncio.sleep(0.01)
        if count >= QUOTA:
            return False
        await engine().run_querystring(QueryString("INSERT INTO xh_test_claim (slot) VALUES ({})", slot))
        return True

    results = await asyncio.gather(*(naive_claim() for _ in range(50)))
    assert results.count(True) > QUOTA


async def test_a_failed_block_writes_nothing() -> None:
    slot = await _slot_table()
    try:
        async with write_transaction():
            assert await take_slot("xh_test_slot", slot)
            await engine().run_querystring(QueryString("INSERT INTO xh_test_claim (slot) VALUES ({})", slot))
            raise RuntimeError("validation failed after the first write")
    except RuntimeError:
        pass
    rows = await engine().run_querystring(QueryString("SELECT used FROM xh_test_slot WHERE id = {}", slot))
    assert (rows[0]["used"], await _count("xh_test_claim")) == (0, 0)


async def test_a_slot_given_back_can_be_taken_again_and_never_goes_negative() -> None:
    slot = await _slot_table()
    async with write_transaction():
        await give_slot_back("xh_test_slot", slot)
        assert await take_slot("xh_test_slot", slot)
        await give_slot_back("xh_test_slot", slot)
    rows = await engine().run_querystring(QueryString("SELECT used FROM xh_test_slot WHERE id = {}", slot))
    assert rows[0]["used"] == 0


async def test_nested_write_blocks_join_the_outer_transaction() -> None:
    slot = await _slot_table()
    async with write_transaction():
        async with write_transaction():
            assert await take_slot("xh_test_slot", slot)
        assert engine().transaction_exists()
    rows = await engine().run_querystring(QueryString("SELECT used FROM xh_test_slot WHERE id = {}", slot))
    assert rows[0]["used"] == 1
