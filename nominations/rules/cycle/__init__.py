"""One award cycle as data: categories, grades, caps, limits, dates and rule parameters.

The reference notes insist that quotas, limits, periods and cut-offs change from year to year
and must be configuration, not constants (award_domain.md §0, F1). A cycle is a pydantic model
so that it round-trips through JSON (`to_dict` / `from_dict`) for storage and versioning; it
holds no behaviour beyond look-ups. `default_cycle(year)` follows the 2025 Shandong measures:

* categories and grades: 最高奖, 自然/发明/进步 with 特/一/二等, 科学技术青年奖, 国际合作奖 (§1.2, [S5]);
* caps: 最高奖 ≤2, 青年奖 ≤10, 国际合作 ≤5, NS+TI+STP ≤300 per round ([S5]); first prizes ≤35 in
  total (Shandong 2020, [S14]); ≤3 特等奖 per category (national 2025 baseline, [S19]);
* eligibility: first unit registered in Shandong, NS papers ≥2 years old with every contributor an
  author, TI/STP applied ≥2 years ([S6], F5);
* recent winners barred for two cycles, one person in one nomination per cycle (national 2019,
  [S24], F6: configurable because the Shandong rule was not found);
* repeat losers: unsuccessful in both of the two previous cycles and ≥50 % of the supporting
  material repeated ([S8]);
* fixed grade (定标定额, [S14]) and no withdrawal after nomination ([S27], F4).

Numbers the notes did NOT find (§10) are marked ``ASSUMED`` below: the contributor and unit limits
per (category, grade) (§1.5), the calendar dates (a template from another province, [S88]) and the
correction deadline. Admins must check them against the year's official notice.

The rooms: `model` (categories, grades, caps, dates, parameters and `CycleConfig`), `defaults`
(`default_cycle`) and `validation` (`validate_cycle`, `load_cycle`).
"""
