// What the browser and mini-program tests share: the user guide's words the
// pages must show verbatim, and the test httpd's extra configuration
// (captcha on with its answer handed to the test in a header, a test-only
// directive; recovery codes through the stand-in SMS gateway).
import { SMS_KEY } from './sms-gateway.mjs';

export const PHOTO_REQUIREMENTS = '照片要求：照片为本人近1年内1寸免冠白底证件照片，要求清晰、完整；照片为jpg格式，'
  + '占用磁盘容量大小在10-20K之间，照片像素:178像素×220像素，分辨率至少满足每英寸96×96点；'
  + '禁止上传生活照、全身照等不符合要求的照片。';
export const ONE_CHANCE = '照片将与公安部照片库对比，费用原因，每人仅有一次上传对比机会，若上传的照片对比不成功，'
  + '需要联系注协进行现场审核，点击此处查看咨询电话。';
export const MATCH = '比对成功，可以信息确认并下载会员证！';
export const NO_MATCH = '照片对比不成功，需要联系注协进行现场审核。';
export const INCOMPLETE = '请您先将基础信息中的必填信息补充完整...';

export function testConf(gateway) {
  return [
    'CicpaCertCaptcha On',
    'CicpaCertCaptchaTestHeader On',
    'CicpaCertCaptchaRate 6000',
    `CicpaCertSmsUrl ${gateway.url}`,
    `CicpaCertSmsKey ${SMS_KEY}`,
    '',
  ].join('\n');
}
