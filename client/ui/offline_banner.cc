#include "client/ui/offline_banner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>

namespace hopso::client {

OfflineBanner::OfflineBanner(QWidget* parent)
    : QFrame(parent), m_title(new QLabel(this)), m_detail(new QLabel(this)) {
  setObjectName(QStringLiteral("offlineBanner"));
  setStyleSheet(QStringLiteral(
      "#offlineBanner { background: #fef3c7; border-bottom: 2px solid #d97706; }"
      "#offlineBanner QLabel { color: #78350f; }"));
  m_title->setStyleSheet(QStringLiteral("font-weight: 700;"));
  m_detail->setWordWrap(true);
  auto layout = new QHBoxLayout(this);
  layout->setContentsMargins(16, 8, 16, 8);
  layout->addWidget(m_title);
  layout->addWidget(m_detail, 1);
  setAccessibleName(QStringLiteral("offline"));
  retranslate();
  setVisible(false);
}

void OfflineBanner::setOnline(bool online) {
  m_online = online;
  setVisible(!online);
}

QString OfflineBanner::text() const { return m_title->text() + QLatin1Char(' ') + m_detail->text(); }

void OfflineBanner::changeEvent(QEvent* event) {
  if (event->type() == QEvent::LanguageChange) retranslate();
  QFrame::changeEvent(event);
}

void OfflineBanner::retranslate() {
  m_title->setText(tr("Offline"));
  m_detail->setText(
      tr("— the server cannot be reached. Downloaded documents still open and your annotations "
         "are kept; they are sent when the connection is back."));
}

}  // namespace hopso::client
