// The guide's wording and the reading of the GET /me document shared by the
// member pages: what the certificate will carry, what the next step is.
const { alertModal } = require('./ui.js');

const TEXTS = {
  noPhoto: '没有查询到照片信息',
  incomplete: '请您先将基础信息中的必填信息补充完整...',
  noMatch: '照片对比不成功，需要联系注协进行现场审核。',
  requirements: '照片要求：照片为本人近1年内1寸免冠白底证件照片，要求清晰、完整；照片为jpg格式，'
    + '占用磁盘容量大小在10-20K之间，照片像素:178像素×220像素，分辨率至少满足每英寸96×96点；'
    + '禁止上传生活照、全身照等不符合要求的照片。',
  oneChance: '照片将与公安部照片库对比，费用原因，每人仅有一次上传对比机会，若上传的照片对比不成功，'
    + '需要联系注协进行现场审核，',
  contactsLink: '点击此处查看咨询电话',
};

// A field's value as shown: institute codes as the institute's name.
function displayValue(field, member) {
  if (field.kind === 'institute' && member.institute && field.value === member.institute.code) {
    return member.institute.name;
  }
  return field.value;
}

function fieldValue(member, key) {
  const field = member.fields.find((f) => f.key === key);
  return field ? displayValue(field, member) : '';
}

// The member's data as rows { key, label, value, missing }.
function dataRows(member) {
  return [
    { key: 'member_no', label: '会员编号', value: member.member_no, missing: false },
    ...member.fields.map((field) => ({
      key: field.key,
      label: field.label,
      value: displayValue(field, member),
      missing: member.missing_required.includes(field.key),
    })),
  ];
}

// The data printed on the certificate, in the PDF's order.
function certificateRows(member) {
  return [
    { label: '姓名', value: fieldValue(member, 'name') },
    { label: '性别', value: fieldValue(member, 'sex') },
    { label: '会员类别', value: fieldValue(member, 'category') || member.user_type_label },
    { label: '会员编号', value: member.member_no },
    { label: '证书编号', value: fieldValue(member, 'cert_no') },
    { label: '入会日期', value: fieldValue(member, 'admission_date') },
    { label: '所属注协', value: member.institute ? member.institute.name : '' },
  ];
}

// "所属注协：…，咨询电话：…" from an API institute object, '' without one.
function instituteContact(institute) {
  if (!institute || !institute.name) {
    return '';
  }
  return institute.phone
    ? `所属注协：${institute.name}，咨询电话：${institute.phone}`
    : `所属注协：${institute.name}`;
}

function staffOnlyMissing(member) {
  return member.fields
    .filter((field) => !field.editable && member.missing_required.includes(field.key))
    .map((field) => field.label);
}

// What stands between the member and the certificate (next_step):
// { message, page, ready } where page is where 【确定】 leads ('' = stay)
// and ready says the certificate can be downloaded now.
function nextStep(member) {
  switch (member.next_step) {
    case 'download':
      if (member.photo && member.photo.message) { // 获取照片信息失败: on record, not readable now
        return { message: `${member.photo.message}，请稍后刷新页面重试。`, page: '' };
      }
      return { message: '信息确认无误后，可以下载会员证。', page: '/pages/confirm/confirm', ready: true };
    case 'upload_photo':
      return { message: (member.photo && member.photo.message) || TEXTS.noPhoto, page: '/pages/photo/photo' };
    case 'complete_profile':
      return { message: TEXTS.incomplete, page: '/pages/profile/profile' };
    case 'contact_institute':
      return {
        message: `请您先将基础信息中的必填信息补充完整，其中以下信息需由所属注协补充：${staffOnlyMissing(member).join('、')}。`,
        page: '',
      };
    default: // onsite_review
      return { message: TEXTS.noMatch, page: '' };
  }
}

// A member page's failure: an ended session goes back to login, anything
// else is the API's own message in a prompt.
function showFailure(error) {
  if (error.status === 401) {
    wx.reLaunch({ url: '/pages/login/login?expired=1' });
    return Promise.resolve();
  }
  return alertModal(error.message);
}

module.exports = {
  TEXTS, dataRows, certificateRows, fieldValue, instituteContact, nextStep, showFailure,
};
