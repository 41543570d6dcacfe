"""Talent programmes as data: one edition of the youth award, academician recommendation or
outstanding-worker selection, with every number a rule needs.

Sources are the facts in `shared/reference/award_domain.md` (section and source tags quoted):

* F12, youth award (§4): national men <= 40 and women <= 45, written as "born on or after
  1 January of year Y" [S45][S47][S49]; Shandong <= 40, 2024 "male born on or after 1984-01-01"
  [S6][S8]; one slot per provincial society [S45]; forms 提名表 + 人选征求意见表 [S50];
  7-day notice, 11-07..11-13 counted inclusive, i.e. calendar days [S46]. The age limits,
  quota and steps of the provincial 青年科技奖 itself are NOT FOUND (§4.2, §10 item 5).
* F13, academician candidates (§5): a provincial association forwards CAE candidates only
  [S34]; normal age <= 65, above 65 needs 6 academician nominators (>= 4 from the candidate's
  division), above 70 only once [S38][S39]; one channel only (2019 rule, relaxed in 2021
  [S43]); recommendation committee with an anonymous vote and a 5-day notice [S36][S37]. The
  vote threshold and whether the 5 days are working days are NOT FOUND.
* F14, outstanding workers (§6): Shandong every 3 years [S55] (yet the 10th edition is 2021 and
  the 11th 2023 [S55][S56], so the cycle is data); title granted once [S52]; exclusions of
  party/state organ staff, full-time 科协/学会 staff and enterprise administrators [S54] (national
  2014 rule); each unit recommends 1 [S54].

The rules change from edition to edition (§0), so nothing here is a constant: `default_programme`
proposes values, `unsourced` names the ones no source backs for this award, and the association
confirms them before opening the edition. A programme is stored as JSON (`programme_to_dict`,
`programme_from_dict`) with a schema version.

The rooms: `model` (the kinds, stages, rules per kind and `Programme`), `defaults`
(`default_programme`), `validation` (`validate_programme`) and `storage` (`programme_to_dict`,
`programme_from_dict`, `SCHEMA_VERSION`).
"""
