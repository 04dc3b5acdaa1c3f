// What stands between the member and the certificate (GET /me next_step),
// in the guide's words, and where to go about it.
import { instituteContact } from './contacts.js';
import { missingStaffOnlyLabels } from './member.js';

export const INCOMPLETE_MESSAGE = '请您先将基础信息中的必填信息补充完整...';
export const NO_MATCH_MESSAGE = '照片对比不成功，需要联系注协进行现场审核。';

// { message, details: [string], href, actionLabel, contacts } for the
// member's next step; href/actionLabel are absent when only the institute
// can help (contacts: true then).
export function nextStep(member) {
  const contact = instituteContact(member.institute);
  switch (member.next_step) {
    case 'download':
      return {
        message: '信息确认无误后，可以下载会员证。',
        details: ['点击【信息确认并下载会员证】，核对证书信息后下载到本地。'],
        href: 'confirm.html', actionLabel: '信息确认并下载会员证',
      };
    case 'upload_photo':
      return {
        message: member.photo.message || '没有查询到照片信息',
        details: ['请点击【上传照片】，按照要求上传照片，比对成功后即可下载会员证。'],
        href: 'photo.html', actionLabel: '上传照片',
      };
    case 'complete_profile':
      return {
        message: INCOMPLETE_MESSAGE,
        details: ['其中带 * 号的为必填项，补充完整并保存后即可下载会员证。'],
        href: 'profile.html', actionLabel: '完善基本信息',
      };
    case 'contact_institute':
      return {
        message: `请您先将基础信息中的必填信息补充完整，其中以下信息需由所属注协补充：${missingStaffOnlyLabels(member).join('、')}。`,
        details: [contact], contacts: true,
      };
    default: // onsite_review
      return { message: NO_MATCH_MESSAGE, details: [contact], contacts: true };
  }
}
