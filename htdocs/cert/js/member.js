// Reading the GET /me document: field values as a member sees them, the
// certificate's data, and what the next step is.

// A field's value as shown: institute codes as the institute's name.
export function displayValue(field, member) {
  if (field.kind === 'institute' && member.institute && field.value === member.institute.code) {
    return member.institute.name;
  }
  return field.value;
}

export function fieldOf(member, key) {
  return member.fields.find((field) => field.key === key);
}

export function isMissing(member, key) {
  return member.missing_required.includes(key);
}

// The data printed on the certificate, in the PDF's order (as the module's
// cert_data_of fills it): [{ label, value }].
export function certificateData(member) {
  const value = (key) => {
    const field = fieldOf(member, key);
    return field ? displayValue(field, member) : '';
  };
  return [
    { label: '姓名', value: value('name') },
    { label: '性别', value: value('sex') },
    { label: '会员类别', value: value('category') || member.user_type_label },
    { label: '会员编号', value: member.member_no },
    { label: '证书编号', value: value('cert_no') },
    { label: '入会日期', value: value('admission_date') },
    { label: '所属注协', value: member.institute ? member.institute.name : '' },
  ];
}

// The labels of the missing required fields only the institute may fill.
export function missingStaffOnlyLabels(member) {
  return member.fields
    .filter((field) => !field.editable && isMissing(member, field.key))
    .map((field) => field.label);
}
