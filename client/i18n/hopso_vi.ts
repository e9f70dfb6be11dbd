<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>hopso::client::AgendaModel</name>
    <message>
        <source>Item</source>
        <translation>Mục</translation>
    </message>
    <message>
        <source>Presenter</source>
        <translation>Người trình bày</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Số phút</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation><numerusform>%n phút</numerusform></translation>
    </message>
    <message>
        <source>Meeting documents</source>
        <translation>Tài liệu chung của cuộc họp</translation>
    </message>
    <message>
        <source>%1 (version %2)</source>
        <translation>%1 (phiên bản %2)</translation>
    </message>
    <message>
        <source>Being discussed now</source>
        <translation>Đang thảo luận</translation>
    </message>
</context>
<context>
    <name>AnnotationModel</name>
    <message>
        <source>Highlight</source>
        <translation>Tô sáng</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Thêm ghi chú</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>Viết</translation>
    </message>
<message>
        <source>Erase</source>
        <translation>Xóa ghi chú</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Chia sẻ</translation>
    </message>
    <message>
        <source>Make private</source>
        <translation>Chuyển thành riêng tư</translation>
    </message>
    <message>
        <source>Edit note</source>
        <translation>Sửa ghi chú</translation>
    </message>
</context>
<context>
    <name>hopso::client::CameraScanner</name>
    <message>
        <source>This device has no camera. Open a picture of the QR code instead.</source>
        <translation>Thiết bị này không có camera. Hãy mở ảnh chụp mã QR thay thế.</translation>
    </message>
    <message>
        <source>The camera cannot be used: %1</source>
        <translation>Không dùng được camera: %1</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>The server cannot be reached. Check the network; Hopso keeps trying and carries on by itself.</source>
        <translation>Không kết nối được máy chủ. Hãy kiểm tra mạng; Hopso sẽ tự thử lại và tiếp tục.</translation>
    </message>
    <message>
        <source>The server did not answer in time. Hopso will try again.</source>
        <translation>Máy chủ không trả lời kịp. Hopso sẽ thử lại.</translation>
    </message>
    <message>
        <source>Your session has ended. Please log in again.</source>
        <translation>Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Đã hủy.</translation>
    </message>
    <message>
        <source>The server reported an error (code %1).</source>
        <translation>Máy chủ báo lỗi (mã %1).</translation>
    </message>
<message>
        <source>Enter the server address as host:port.</source>
        <translation>Nhập địa chỉ máy chủ dạng máy:cổng (host:port).</translation>
    </message>
    <message>
        <source>A connection without TLS is only allowed to this device itself (localhost).</source>
        <translation>Kết nối không mã hóa (không TLS) chỉ được phép tới chính thiết bị này (localhost).</translation>
    </message>
    <message>
        <source>The pinned server certificate cannot be read.</source>
        <translation>Không đọc được chứng chỉ máy chủ đã ghim.</translation>
    </message>
    <message>
        <source>The CA file %1 cannot be read: %2</source>
        <translation>Không đọc được tệp CA %1: %2</translation>
    </message>
    <message>
        <source>The CA file %1 holds no PEM certificate.</source>
        <translation>Tệp CA %1 không chứa chứng chỉ PEM nào.</translation>
    </message>
</context>
<context>
    <name>hopso::client::DocumentCache</name>
    <message>
        <source>“%1” is not a SHA-256.</source>
        <translation>“%1” không phải là mã SHA-256.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Không ghi được %1: %2</translation>
    </message>
    <message>
        <source>The server sent another version than asked for.</source>
        <translation>Máy chủ gửi một phiên bản khác với phiên bản đã yêu cầu.</translation>
    </message>
    <message>
        <source>The server's download broke off in the middle; try again.</source>
        <translation>Tải xuống từ máy chủ bị ngắt giữa chừng; hãy thử lại.</translation>
    </message>
    <message>
        <source>The downloaded document does not match its SHA-256 and was discarded.</source>
        <translation>Tài liệu tải về không khớp mã SHA-256 nên đã bị loại bỏ.</translation>
    </message>
    <message>
        <source>Cannot move the document into the cache: %1</source>
        <translation>Không chuyển được tài liệu vào bộ nhớ đệm: %1</translation>
    </message>
</context>
<context>
    <name>hopso::client::LoginWindow</name>
    <message>
        <source>Hopso — Sign in</source>
        <translation>Hopso — Đăng nhập</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Hopso paperless meetings: your agendas and documents on this tablet.</source>
        <translation>Họp không giấy Hopso: chương trình họp và tài liệu của bạn ngay trên máy tính bảng.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Địa chỉ máy chủ</translation>
    </message>
    <message>
        <source>e.g. hopso.example.gov.vn:7443</source>
        <translation>ví dụ: hopso.example.gov.vn:7443</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <source>or</source>
        <translation>hoặc</translation>
    </message>
    <message>
        <source>Pair with QR code</source>
        <translation>Ghép nối bằng mã QR</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Trusted certificate: %1</source>
        <translation>Chứng chỉ đã tin cậy: %1</translation>
    </message>
    <message>
        <source>Certificates checked with %1</source>
        <translation>Chứng chỉ được kiểm tra bằng %1</translation>
    </message>
    <message>
        <source>Unencrypted connection (this computer only)</source>
        <translation>Kết nối không mã hóa (chỉ trên máy này)</translation>
    </message>
    <message>
        <source>On first contact the tablet shows the server's certificate for you to confirm.</source>
        <translation>Lần kết nối đầu tiên, máy tính bảng sẽ hiện chứng chỉ của máy chủ để bạn xác nhận.</translation>
    </message>
    <message>
        <source>Enter the server address, for example hopso.example.gov.vn:7443.</source>
        <translation>Hãy nhập địa chỉ máy chủ, ví dụ hopso.example.gov.vn:7443.</translation>
    </message>
    <message>
        <source>"%1" is not a server address. Write it as host:port, for example hopso.example.gov.vn:7443.</source>
        <translation>“%1” không phải là địa chỉ máy chủ. Hãy viết dạng máy:cổng, ví dụ hopso.example.gov.vn:7443.</translation>
    </message>
    <message>
        <source>Enter your username.</source>
        <translation>Hãy nhập tên đăng nhập.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Hãy nhập mật khẩu.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Đang kết nối tới %1…</translation>
    </message>
    <message>
        <source>Cannot reach the server %1: %2</source>
        <translation>Không kết nối được máy chủ %1: %2</translation>
    </message>
    <message>
        <source>The server was not trusted; nothing was sent to it.</source>
        <translation>Bạn chưa tin cậy máy chủ; chưa có thông tin nào được gửi đi.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Đang đăng nhập…</translation>
    </message>
    <message>
        <source>This QR code is not a Hopso pairing code.</source>
        <translation>Mã QR này không phải mã ghép nối của Hopso.</translation>
    </message>
    <message>
        <source>The pairing code names no usable server address.</source>
        <translation>Mã ghép nối không có địa chỉ máy chủ dùng được.</translation>
    </message>
    <message>
        <source>Pairing this tablet…</source>
        <translation>Đang ghép nối máy tính bảng…</translation>
    </message>
    <message>
        <source>The pairing code carries no certificate fingerprint; the tablet cannot check the server.</source>
        <translation>Mã ghép nối không có dấu vân tay chứng chỉ; máy tính bảng không thể kiểm tra máy chủ.</translation>
    </message>
</context>
<context>
    <name>hopso::client::MainWindow</name>
    <message>
        <source>Hopso</source>
        <translation>Hopso</translation>
    </message>
    <message>
        <source>‹ Back</source>
        <translation>‹ Quay lại</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Downloading “%1”: %2 %</source>
        <translation>Đang tải “%1”: %2 %</translation>
    </message>
    <message>
        <source>“%1” could not be opened: %2</source>
        <translation>Không mở được “%1”: %2</translation>
    </message>
    <message>
        <source>Hopso — My meetings</source>
        <translation>Hopso — Cuộc họp của tôi</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>Chương trình họp</translation>
    </message>
    <message>
        <source>Downloading “%1”…</source>
        <translation>Đang tải “%1”…</translation>
    </message>
    <message>
        <source>This QR code is not a Hopso document code.</source>
        <translation>Mã QR này không phải mã tài liệu của Hopso.</translation>
    </message>
    <message>
        <source>Looking up the code…</source>
        <translation>Đang tra cứu mã…</translation>
    </message>
    <message>
        <source>This QR code does not match the document on the server (the content hash differs), so it was not opened. The printed copy may be outdated: ask the secretary.</source>
        <translation>Mã QR này không khớp với tài liệu trên máy chủ (mã băm nội dung khác nhau) nên tài liệu không được mở. Bản in có thể đã cũ: hãy hỏi thư ký.</translation>
    </message>
</context>
<context>
    <name>hopso::client::MeetingListModel</name>
    <message>
        <source>Draft</source>
        <translation>Bản nháp</translation>
    </message>
    <message>
        <source>Upcoming</source>
        <translation>Sắp diễn ra</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>Đang diễn ra</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Đã kết thúc</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Đã lưu trữ</translation>
    </message>
</context>
<context>
    <name>hopso::client::MeetingListPage</name>
    <message>
        <source>Past meetings</source>
        <translation>Cuộc họp đã qua</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>Scan QR code</source>
        <translation>Quét mã QR</translation>
    </message>
    <message>
        <source>My meetings</source>
        <translation>Cuộc họp của tôi</translation>
    </message>
    <message>
        <source>Shown from this tablet's copy; the server cannot be reached.</source>
        <translation>Đang hiện bản lưu trên máy tính bảng; không kết nối được máy chủ.</translation>
    </message>
    <message>
        <source>Loading your meetings…</source>
        <translation>Đang tải danh sách cuộc họp…</translation>
    </message>
    <message>
        <source>You have no meetings yet. Meetings appear here once the secretary invites you.</source>
        <translation>Bạn chưa có cuộc họp nào. Cuộc họp sẽ hiện ở đây khi thư ký mời bạn.</translation>
    </message>
</context>
<context>
    <name>hopso::client::MeetingPage</name>
    <message>
        <source>Download the meeting for offline</source>
        <translation>Tải cuộc họp để dùng ngoại tuyến</translation>
    </message>
    <message>
        <source>Scan QR code</source>
        <translation>Quét mã QR</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Các phiên bản</translation>
    </message>
    <message>
        <source>Downloading: document %1 of %2 (%3 of %4)</source>
        <translation>Đang tải: tài liệu %1/%2 (%3 trên %4)</translation>
    </message>
    <message numerus="yes">
        <source>All %n document(s) of this meeting are on this tablet and open offline.</source>
        <translation><numerusform>Cả %n tài liệu của cuộc họp đã có trên máy tính bảng và mở được khi ngoại tuyến.</numerusform></translation>
    </message>
    <message>
        <source>The download stopped: %1</source>
        <translation>Việc tải bị dừng: %1</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● Trực tiếp</translation>
    </message>
    <message>
        <source>○ Not following</source>
        <translation>○ Chưa theo dõi trực tiếp</translation>
    </message>
    <message>
        <source>Confidential</source>
        <translation>Tài liệu mật</translation>
    </message>
    <message>
        <source>Version %1 (current)</source>
        <translation>Phiên bản %1 (hiện hành)</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Phiên bản %1</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation><numerusform>%n trang</numerusform></translation>
    </message>
    <message>
        <source>on this tablet</source>
        <translation>đã có trên máy</translation>
    </message>
    <message>
        <source>Preparing the download…</source>
        <translation>Đang chuẩn bị tải…</translation>
    </message>
</context>
<context>
    <name>hopso::client::Messages</name>
    <message>
        <source>The server %1 did not answer in time. Check the network and try again.</source>
        <translation>Máy chủ %1 không trả lời kịp. Hãy kiểm tra mạng rồi thử lại.</translation>
    </message>
    <message>
        <source>The secure connection to %1 failed: the server's certificate is not the one this tablet trusts. Ask your IT department before trusting a new certificate.</source>
        <translation>Kết nối bảo mật tới %1 thất bại: chứng chỉ của máy chủ không phải chứng chỉ mà máy tính bảng này tin cậy. Hãy hỏi bộ phận công nghệ thông tin trước khi tin cậy chứng chỉ mới.</translation>
    </message>
    <message>
        <source>Cannot reach the server %1. Check the address and the Wi-Fi connection.</source>
        <translation>Không kết nối được máy chủ %1. Hãy kiểm tra địa chỉ và kết nối Wi-Fi.</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>Sai tên đăng nhập hoặc mật khẩu.</translation>
    </message>
    <message>
        <source>Too many failed attempts: this account is locked for a while. %1</source>
        <translation>Đăng nhập sai quá nhiều lần: tài khoản tạm bị khóa. %1</translation>
    </message>
    <message>
        <source>This pairing code is unknown, already used or expired. Ask the secretary for a new one.</source>
        <translation>Mã ghép nối không tồn tại, đã dùng hoặc đã hết hạn. Hãy xin thư ký mã mới.</translation>
    </message>
    <message>
        <source>This document does not exist or you may not see it. If you think you should, ask the meeting's secretary.</source>
        <translation>Tài liệu không tồn tại hoặc bạn không có quyền xem. Nếu bạn cho rằng mình cần xem, hãy hỏi thư ký cuộc họp.</translation>
    </message>
    <message>
        <source>You may not open this document. If you think you should, ask the meeting's secretary.</source>
        <translation>Bạn không có quyền mở tài liệu này. Nếu bạn cho rằng mình cần xem, hãy hỏi thư ký cuộc họp.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Phiên làm việc đã hết hạn. Hãy đăng nhập lại.</translation>
    </message>
</context>
<context>
    <name>hopso::client::NoteDialog</name>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>Note by %1</source>
        <translation>Ghi chú của %1</translation>
    </message>
    <message>
        <source>Write your note here</source>
        <translation>Viết ghi chú tại đây</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Delete note</source>
        <translation>Xóa ghi chú</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>hopso::client::NoticeBar</name>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
</context>
<context>
    <name>hopso::client::OfflineBanner</name>
    <message>
        <source>Offline</source>
        <translation>Ngoại tuyến</translation>
    </message>
    <message>
        <source>— the server cannot be reached. Downloaded documents still open and your annotations are kept; they are sent when the connection is back.</source>
        <translation>— không kết nối được máy chủ. Tài liệu đã tải vẫn mở được và ghi chú của bạn được giữ lại; chúng sẽ được gửi khi có kết nối trở lại.</translation>
    </message>
</context>
<context>
    <name>hopso::client::PageRenderer</name>
    <message>
        <source>Cannot open the document %1.</source>
        <translation>Không mở được tài liệu %1.</translation>
    </message>
</context>
<context>
    <name>hopso::client::PdfView</name>
    <message>
        <source>the file was not found</source>
        <translation>không tìm thấy tệp</translation>
    </message>
    <message>
        <source>it is not a valid PDF file</source>
        <translation>tệp không phải PDF hợp lệ</translation>
    </message>
    <message>
        <source>it is protected by a password</source>
        <translation>tệp được bảo vệ bằng mật khẩu</translation>
    </message>
    <message>
        <source>it cannot be read</source>
        <translation>không đọc được tệp</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Trang trước</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Trang sau</translation>
    </message>
    <message>
        <source>Cannot open the document: %1.</source>
        <translation>Không mở được tài liệu: %1.</translation>
    </message>
    <message>
        <source>No document is open.</source>
        <translation>Chưa mở tài liệu nào.</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Tẩy</translation>
    </message>
</context>
<context>
    <name>hopso::client::QrScanDialog</name>
    <message>
        <source>Pair with QR code</source>
        <translation>Ghép nối bằng mã QR</translation>
    </message>
    <message>
        <source>Scan a document's QR code</source>
        <translation>Quét mã QR của tài liệu</translation>
    </message>
    <message>
        <source>Scan the pairing code that the secretary shows you. It logs this tablet in without a password.</source>
        <translation>Quét mã ghép nối do thư ký cung cấp. Máy tính bảng sẽ đăng nhập mà không cần mật khẩu.</translation>
    </message>
    <message>
        <source>Scan the QR code printed next to the document on the handout.</source>
        <translation>Quét mã QR in cạnh tài liệu trên bản chương trình họp.</translation>
    </message>
    <message>
        <source>Choose an image…</source>
        <translation>Chọn ảnh…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Đang bật camera…</translation>
    </message>
    <message>
        <source>Hold the code in front of the camera.</source>
        <translation>Hãy đưa mã QR vào trước camera.</translation>
    </message>
    <message>
        <source>No camera</source>
        <translation>Không có camera</translation>
    </message>
    <message>
        <source>This device has no camera. Choose a photo or a scan of the code instead.</source>
        <translation>Thiết bị này không có camera. Hãy chọn ảnh chụp hoặc bản quét của mã thay thế.</translation>
    </message>
    <message>
        <source>Choose an image of the QR code</source>
        <translation>Chọn ảnh mã QR</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)</source>
        <translation>Ảnh (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>No QR code found in this image.</source>
        <translation>Không tìm thấy mã QR trong ảnh này.</translation>
    </message>
    <message>
        <source>This is a pairing code for signing in, not a document's code.</source>
        <translation>Đây là mã ghép nối để đăng nhập, không phải mã tài liệu.</translation>
    </message>
    <message>
        <source>This is a document's code, not a pairing code.</source>
        <translation>Đây là mã tài liệu, không phải mã ghép nối.</translation>
    </message>
    <message>
        <source>This QR code is not from Hopso.</source>
        <translation>Mã QR này không phải của Hopso.</translation>
    </message>
</context>
<context>
    <name>ServerTrust</name>
    <message>
        <source>“%1” is not a server address of the form host:port.</source>
        <translation>“%1” không phải địa chỉ máy chủ dạng máy:cổng.</translation>
    </message>
    <message>
        <source>No TLS connection to %1: %2</source>
        <translation>Không thiết lập được kết nối TLS tới %1: %2</translation>
    </message>
    <message>
        <source>The server at %1 sent no certificate.</source>
        <translation>Máy chủ %1 không gửi chứng chỉ.</translation>
    </message>
    <message>
        <source>The server at %1 presented a certificate with fingerprint %2, not the expected %3. Do not connect: this may not be your server.</source>
        <translation>Máy chủ %1 đưa ra chứng chỉ có dấu vân tay %2, không phải %3 như mong đợi. Đừng kết nối: đây có thể không phải máy chủ của bạn.</translation>
    </message>
</context>
<context>
    <name>hopso::client::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Đăng nhập với tên</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Máy chủ</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>Chứng chỉ</translation>
    </message>
    <message>
        <source>Annotations not yet sent</source>
        <translation>Ghi chú chưa gửi</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message numerus="yes">
        <source>%n annotation change(s) have not reached the server yet. Sign out anyway?</source>
        <translation><numerusform>%n thay đổi ghi chú chưa được gửi lên máy chủ. Vẫn đăng xuất?</numerusform></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
</context>
<context>
    <name>hopso::client::ThumbnailView</name>
    <message>
        <source>Page %1</source>
        <translation>Trang %1</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>Hình thu nhỏ các trang</translation>
    </message>
</context>
<context>
    <name>hopso::client::TrustDialog</name>
    <message>
        <source>Trust this server?</source>
        <translation>Tin cậy máy chủ này?</translation>
    </message>
    <message>
        <source>This tablet has not connected to %1 before. Compare the fingerprint below with the one your organisation published (on the meeting invitation or from the secretary). Trust the server only if they match.</source>
        <translation>Máy tính bảng này chưa từng kết nối tới %1. Hãy so sánh dấu vân tay dưới đây với dấu vân tay do cơ quan bạn công bố (trên giấy mời họp hoặc do thư ký cung cấp). Chỉ tin cậy máy chủ khi hai dấu vân tay trùng khớp.</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint of the certificate:</source>
        <translation>Dấu vân tay SHA-256 của chứng chỉ:</translation>
    </message>
    <message>
        <source>Issued to: %1
Valid until: %2</source>
        <translation>Cấp cho: %1
Hiệu lực đến: %2</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(không có tên)</translation>
    </message>
    <message>
        <source>Trust and continue</source>
        <translation>Tin cậy và tiếp tục</translation>
    </message>
    <message>
        <source>Use a CA file…</source>
        <translation>Dùng tệp CA…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Choose the CA certificate</source>
        <translation>Chọn chứng chỉ CA</translation>
    </message>
    <message>
        <source>Certificates (*.crt *.pem *.cer);;All files (*)</source>
        <translation>Chứng chỉ (*.crt *.pem *.cer);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate.</source>
        <translation>%1 không chứa chứng chỉ PEM nào.</translation>
    </message>
</context>
<context>
    <name>hopso::client::ViewerPage</name>
    <message numerus="yes">
        <source>%n hit(s)</source>
        <translation><numerusform>%n kết quả</numerusform></translation>
    </message>
    <message>
        <source>☰ Pages</source>
        <translation>☰ Các trang</translation>
    </message>
    <message>
        <source>Show the pages as thumbnails</source>
        <translation>Hiện các trang dạng hình thu nhỏ</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>Vừa chiều ngang</translation>
    </message>
    <message>
        <source>Fit page</source>
        <translation>Vừa trang</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Trang trước</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Trang sau</translation>
    </message>
    <message>
        <source>Go to page</source>
        <translation>Đến trang</translation>
    </message>
    <message>
        <source>Search in the document</source>
        <translation>Tìm trong tài liệu</translation>
    </message>
    <message>
        <source>Previous hit</source>
        <translation>Kết quả trước</translation>
    </message>
    <message>
        <source>Next hit</source>
        <translation>Kết quả sau</translation>
    </message>
    <message>
        <source>My annotated copy</source>
        <translation>Bản có ghi chú của tôi</translation>
    </message>
    <message>
        <source>PDF copy</source>
        <translation>Bản PDF</translation>
    </message>
    <message>
        <source>With my annotations</source>
        <translation>Kèm ghi chú của tôi</translation>
    </message>
    <message>
        <source>With my annotations and the shared ones</source>
        <translation>Kèm ghi chú của tôi và ghi chú được chia sẻ</translation>
    </message>
    <message>
        <source>✥ Move</source>
        <translation>✥ Di chuyển</translation>
    </message>
    <message>
        <source>Turn pages and move around</source>
        <translation>Lật trang và di chuyển</translation>
    </message>
    <message>
        <source>✎ Pen</source>
        <translation>✎ Bút</translation>
    </message>
    <message>
        <source>Write with the pen or a finger</source>
        <translation>Viết bằng bút hoặc ngón tay</translation>
    </message>
    <message>
        <source>▍ Highlight</source>
        <translation>▍ Tô sáng</translation>
    </message>
    <message>
        <source>Mark text</source>
        <translation>Đánh dấu văn bản</translation>
    </message>
    <message>
        <source>✉ Note</source>
        <translation>✉ Ghi chú</translation>
    </message>
    <message>
        <source>Tap to add a text note</source>
        <translation>Chạm để thêm ghi chú</translation>
    </message>
    <message>
        <source>⌫ Eraser</source>
        <translation>⌫ Tẩy</translation>
    </message>
    <message>
        <source>Remove your annotations</source>
        <translation>Xóa ghi chú của bạn</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Màu</translation>
    </message>
    <message>
        <source>↶ Undo</source>
        <translation>↶ Hoàn tác</translation>
    </message>
    <message>
        <source>↷ Redo</source>
        <translation>↷ Làm lại</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Hoàn tác</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Làm lại</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Chia sẻ</translation>
    </message>
    <message>
        <source>Shared with participants</source>
        <translation>Chia sẻ với người dự họp</translation>
    </message>
    <message>
        <source>Private</source>
        <translation>Riêng tư</translation>
    </message>
    <message>
        <source>New annotations are visible to the meeting's participants</source>
        <translation>Ghi chú mới được hiển thị cho những người dự họp</translation>
    </message>
    <message>
        <source>New annotations are visible only to you</source>
        <translation>Ghi chú mới chỉ mình bạn thấy</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>/ %1</translation>
    </message>
    <message>
        <source>Annotations saved</source>
        <translation>Đã lưu ghi chú</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation><numerusform>%n thay đổi đang chờ gửi</numerusform></translation>
    </message>
    <message>
        <source>%1 (annotated).pdf</source>
        <translation>%1 (có ghi chú).pdf</translation>
    </message>
    <message>
        <source>Save my annotated copy</source>
        <translation>Lưu bản có ghi chú của tôi</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>Tài liệu PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Preparing your annotated copy…</source>
        <translation>Đang tạo bản có ghi chú…</translation>
    </message>
    <message>
        <source>Your latest annotations could not be sent, so the copy would miss them: %1</source>
        <translation>Chưa gửi được các ghi chú mới nhất nên bản sao sẽ thiếu chúng: %1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Không ghi được %1: %2</translation>
    </message>
    <message>
        <source>The annotated copy could not be made: %1</source>
        <translation>Không tạo được bản có ghi chú: %1</translation>
    </message>
    <message>
        <source>Your annotated copy is saved as %1.</source>
        <translation>Đã lưu bản có ghi chú tại %1.</translation>
    </message>
<message>
        <source>Blue-black</source>
        <translation>Xanh đen</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>Đỏ</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>Xanh lá</translation>
    </message>
    <message>
        <source>Black</source>
        <translation>Đen</translation>
    </message>
    <message>
        <source>Yellow</source>
        <translation>Vàng</translation>
    </message>
</context>
<context>
    <name>hopso::client::QrDecoder</name>
    <message>
        <source>Cannot read the image %1: %2</source>
        <translation>Không đọc được ảnh %1: %2</translation>
    </message>
</context>
</TS>
