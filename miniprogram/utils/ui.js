// WeChat's own prompts as promises: the guide's modal boxes (wx.showModal
// with 【确定】), confirmations and the action sheet.

// One 【确定】: resolves when the member taps it.
function alertModal(content, title = '提示') {
  return new Promise((resolve) => {
    wx.showModal({
      title, content, showCancel: false, confirmText: '确定', complete: () => resolve(),
    });
  });
}

// Two buttons: resolves true for confirmText, false for cancelText.
function confirmModal({ title = '提示', content, confirmText = '确定', cancelText = '取消' }) {
  return new Promise((resolve) => {
    wx.showModal({
      title, content, confirmText, cancelText,
      success: (res) => resolve(Boolean(res.confirm)),
      fail: () => resolve(false),
    });
  });
}

// Resolves with the tapped item's index, or -1 when cancelled.
function chooseAction(itemList) {
  return new Promise((resolve) => {
    wx.showActionSheet({
      itemList,
      success: (res) => resolve(res.tapIndex),
      fail: () => resolve(-1),
    });
  });
}

module.exports = { alertModal, confirmModal, chooseAction };
