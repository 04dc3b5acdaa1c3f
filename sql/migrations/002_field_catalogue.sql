-- Default profile fields of a CPA member record. required/member_editable
-- are the association's to change (UPDATE field_catalogue ...), no code needed.
-- kind: see mod_cicpa_cert/core/cc_fields.h; 'institute' is checked against
-- the institutes table.
INSERT INTO field_catalogue (field_key, label, kind, options, max_chars, required, member_editable, sort_order) VALUES
  ('name',             '姓名',     'name',      '', 50, 1, 0, 10),
  ('sex',              '性别',     'choice',    '男|女', 1, 1, 1, 20),
  ('ethnicity',        '民族',     'text',      '', 20, 1, 1, 30),
  ('birth_date',       '出生日期', 'date',      '', 10, 1, 1, 40),
  ('id_type',          '证件类型', 'id_type',   '', 20, 1, 0, 50),
  ('id_number',        '证件号码', 'id_number', '', 18, 1, 0, 60),
  ('political_status', '政治面貌', 'choice',    '中共党员|中共预备党员|共青团员|民主党派|无党派人士|群众', 10, 0, 1, 70),
  ('education',        '学历',     'choice',    '博士研究生|硕士研究生|大学本科|大学专科|中专|高中及以下', 10, 1, 1, 80),
  ('degree',           '学位',     'choice',    '博士|硕士|学士|无', 4, 0, 1, 90),
  ('school',           '毕业院校', 'text',      '', 60, 0, 1, 100),
  ('major',            '所学专业', 'text',      '', 60, 0, 1, 110),
  ('work_unit',        '工作单位', 'text',      '', 100, 1, 1, 120),
  ('position',         '职务',     'text',      '', 40, 0, 1, 130),
  ('mobile',           '手机号码', 'mobile',    '', 11, 1, 1, 140),
  ('email',            '电子邮箱', 'email',     '', 254, 1, 1, 150),
  ('address',          '通讯地址', 'text',      '', 120, 0, 1, 160),
  ('postcode',         '邮政编码', 'postcode',  '', 6, 0, 1, 170),
  ('institute',        '所属注协', 'institute', '', 0, 1, 0, 180),
  ('admission_date',   '入会日期', 'date',      '', 10, 1, 0, 190),
  ('category',         '会员类别', 'choice',    '非执业会员|执业会员', 10, 1, 0, 200),
  ('cert_no',          '证书编号', 'text',      '', 32, 1, 0, 210);
