#include "client/ui/meeting_list_page.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPainter>
#include <QPushButton>
#include <QScroller>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

#include "client/model/meeting_list_model.h"
#include "client/ui/style.h"
#include "hopso/v1/common.pb.h"

namespace hopso::client {

namespace {

// Two lines per meeting (title; when · where) and a state chip on the right,
// with a "Past meetings" heading above the first past one.
class MeetingDelegate : public QStyledItemDelegate {
 public:
  explicit MeetingDelegate(MeetingListModel* model, QObject* parent)
      : QStyledItemDelegate(parent), m_model(model) {}

  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    const int heading = index.row() == m_model->firstPastRow() ? headingHeight(option) : 0;
    QFont titleFont = option.font;
    titleFont.setPixelSize(19);
    titleFont.setBold(true);
    // Card margins 4+4, padding 12+12, title, 6, two lines 2 apart.
    return {option.rect.width(), heading + 8 + 24 + QFontMetrics(titleFont).height() + 6 +
                                     2 * option.fontMetrics.height() + 2 + 4};
  }

  void paint(QPainter* painter, const QStyleOptionViewItem& option,
             const QModelIndex& index) const override {
    painter->save();
    QRect r = option.rect;
    if (index.row() == m_model->firstPastRow()) {
      const int h = headingHeight(option);
      QFont font = option.font;
      font.setBold(true);
      painter->setFont(font);
      painter->setPen(QColor(0x52, 0x60, 0x6d));
      painter->drawText(r.adjusted(16, 0, -16, 0).topLeft() + QPoint(0, h - 12),
                        MeetingListPage::tr("Past meetings"));
      r.setTop(r.top() + h);
    }
    const bool selected = option.state & QStyle::State_Selected;
    const bool upcoming = index.data(MeetingListModel::UpcomingRole).toBool();
    const auto state = v1::MeetingState(index.data(MeetingListModel::StateRole).toInt());
    const bool live = state == v1::MEETING_STATE_IN_PROGRESS;
    QRect card = r.adjusted(8, 4, -8, -4);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(live ? palette::kLive : QColor(0xd9, 0xe2, 0xec), live ? 2 : 1));
    painter->setBrush(selected ? QColor(0xd7, 0xe3, 0xf1) : QColor(Qt::white));
    painter->drawRoundedRect(card, 10, 10);

    const QString stateText = index.data(MeetingListModel::StateTextRole).toString();
    QFont chipFont = option.font;
    chipFont.setPixelSize(15);
    chipFont.setBold(true);
    const QFontMetrics chipMetrics(chipFont);
    const int chipWidth = chipMetrics.horizontalAdvance(stateText) + 24;
    const QRect chip(card.right() - chipWidth - 16, card.top() + 14, chipWidth,
                     chipMetrics.height() + 10);
    painter->setPen(Qt::NoPen);
    painter->setBrush(live ? palette::kLiveBackground
                           : upcoming ? QColor(0xe3, 0xf8, 0xf0) : QColor(0xf0, 0xf4, 0xf8));
    painter->drawRoundedRect(chip, chip.height() / 2.0, chip.height() / 2.0);
    painter->setFont(chipFont);
    painter->setPen(live ? palette::kLive : upcoming ? QColor(0x0b, 0x4f, 0x3c) : QColor(0x52, 0x60, 0x6d));
    painter->drawText(chip, Qt::AlignCenter, stateText);

    const QRect text = card.adjusted(18, 12, -(chipWidth + 32), -12);
    QFont titleFont = option.font;
    titleFont.setPixelSize(19);
    titleFont.setBold(true);
    painter->setFont(titleFont);
    painter->setPen(upcoming ? QColor(0x10, 0x2a, 0x43) : QColor(0x52, 0x60, 0x6d));
    const QFontMetrics titleMetrics(titleFont);
    painter->drawText(QRect(text.left(), text.top(), text.width(), titleMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      titleMetrics.elidedText(index.data(MeetingListModel::TitleRole).toString(),
                                              Qt::ElideRight, text.width()));
    const QDateTime start = index.data(MeetingListModel::StartTimeRole).toDateTime();
    const QDateTime end = index.data(MeetingListModel::EndTimeRole).toDateTime();
    const QLocale locale;
    QString when = locale.toString(start.date(), QLocale::LongFormat) + QStringLiteral(" · ") +
                   locale.toString(start.time(), QLocale::ShortFormat);
    if (end.isValid()) when += QStringLiteral("–") + locale.toString(end.time(), QLocale::ShortFormat);
    painter->setFont(option.font);
    painter->setPen(QColor(0x24, 0x3b, 0x53));
    const QFontMetrics metrics(option.font);
    const int line2 = text.top() + titleMetrics.height() + 6;
    painter->drawText(QRect(text.left(), line2, text.width(), metrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      metrics.elidedText(when, Qt::ElideRight, text.width()));
    painter->setPen(QColor(0x52, 0x60, 0x6d));
    painter->drawText(
        QRect(text.left(), line2 + metrics.height() + 2, card.width() - 36, metrics.height()),
        Qt::AlignLeft | Qt::AlignVCenter,
        metrics.elidedText(index.data(MeetingListModel::PlaceRole).toString(), Qt::ElideRight,
                           card.width() - 36));
    painter->restore();
  }

 private:
  static int headingHeight(const QStyleOptionViewItem& option) {
    return option.fontMetrics.height() + 28;
  }

  MeetingListModel* const m_model;
};

}  // namespace

MeetingListPage::MeetingListPage(MeetingListModel* model, QWidget* parent)
    : QWidget(parent),
      m_model(model),
      m_status(new QLabel(this)),
      m_view(new QListView(this)),
      m_refresh(new QPushButton(tr("Refresh"), this)),
      m_scan(new QPushButton(tr("Scan QR code"), this)) {
  auto title = new QLabel(tr("My meetings"), this);
  title->setProperty("role", "title");
  m_scan->setObjectName(QStringLiteral("scanButton"));
  m_scan->setProperty("role", "primary");
  auto header = new QHBoxLayout;
  header->addWidget(title, 1);
  header->addWidget(m_refresh);
  header->addWidget(m_scan);

  m_status->setProperty("role", "hint");
  m_status->setWordWrap(true);
  m_view->setObjectName(QStringLiteral("meetingList"));
  m_view->setModel(model);
  m_view->setItemDelegate(new MeetingDelegate(model, m_view));
  m_view->setStyleSheet(QStringLiteral("QListView { border: none; background: transparent; }"));
  m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
  m_view->setUniformItemSizes(false);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  QScroller::grabGesture(m_view->viewport(), QScroller::LeftMouseButtonGesture);

  auto layout = new QVBoxLayout(this);
  layout->setContentsMargins(24, 16, 24, 16);
  layout->addLayout(header);
  layout->addWidget(m_status);
  layout->addWidget(m_view, 1);

  // One tap opens: a tablet has no double click.
  connect(m_view, &QListView::clicked, this, [this](const QModelIndex& index) {
    emit meetingActivated(index.data(MeetingListModel::IdRole).toString());
  });
  connect(m_refresh, &QPushButton::clicked, model, &MeetingListModel::refresh);
  connect(m_scan, &QPushButton::clicked, this, &MeetingListPage::scanRequested);
  connect(model, &MeetingListModel::loadingChanged, this, [this](bool loading) {
    m_refresh->setEnabled(!loading);
    updateEmptyState();
  });
  connect(model, &MeetingListModel::refreshed, this, [this](bool fromCache) {
    updateEmptyState();
    if (fromCache && m_model->rowCount() > 0)
      m_status->setText(tr("Shown from this tablet's copy; the server cannot be reached."));
  });
  connect(model, &MeetingListModel::errorOccurred, this,
          [this](const QString& message) { m_status->setText(message); });
  connect(model, &QAbstractItemModel::modelReset, this, &MeetingListPage::updateEmptyState);
  updateEmptyState();
}

void MeetingListPage::updateEmptyState() {
  if (m_model->isLoading() && m_model->rowCount() == 0) {
    m_status->setText(tr("Loading your meetings…"));
  } else if (m_model->rowCount() == 0) {
    m_status->setText(tr("You have no meetings yet. Meetings appear here once the secretary "
                         "invites you."));
  } else {
    m_status->clear();
  }
  m_status->setVisible(!m_status->text().isEmpty());
}

}  // namespace hopso::client
