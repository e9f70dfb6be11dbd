#include "client/ui/notice_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace hopso::client {

NoticeBar::NoticeBar(QWidget* parent)
    : QFrame(parent), m_text(new QLabel(this)), m_close(new QToolButton(this)) {
  setObjectName(QStringLiteral("noticeBar"));
  m_text->setWordWrap(true);
  m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_close->setText(QStringLiteral("✕"));
  m_close->setToolTip(tr("Close"));
  m_close->setAutoRaise(true);
  auto layout = new QHBoxLayout(this);
  layout->setContentsMargins(16, 6, 8, 6);
  layout->addWidget(m_text, 1);
  layout->addWidget(m_close);
  connect(m_close, &QToolButton::clicked, this, &NoticeBar::clear);
  hide();
}

void NoticeBar::showNotice(const QString& text, Kind kind) {
  m_kind = kind;
  m_text->setText(text);
  setStyleSheet(kind == Error
                    ? QStringLiteral("#noticeBar { background: #fdecec; border-bottom: 1px solid "
                                     "#f5b5b5; } #noticeBar QLabel { color: #8a1c1c; }")
                    : QStringLiteral("#noticeBar { background: #e6f0fa; border-bottom: 1px solid "
                                     "#b6cde6; } #noticeBar QLabel { color: #163c69; }"));
  setVisible(!text.isEmpty());
}

void NoticeBar::clear() {
  m_text->clear();
  hide();
}

QString NoticeBar::text() const { return isHidden() ? QString() : m_text->text(); }

}  // namespace hopso::client
