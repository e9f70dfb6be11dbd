<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB">
<context>
    <name>hopso::client::AgendaModel</name>
    <message>
        <source>Item</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>Presenter</source>
        <translation>Presenter</translation>
    </message>
    <message>
        <source>Minutes</source>
        <translation>Minutes</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation><numerusform>%n min</numerusform><numerusform>%n min</numerusform></translation>
    </message>
    <message>
        <source>Meeting documents</source>
        <translation>Meeting documents</translation>
    </message>
    <message>
        <source>%1 (version %2)</source>
        <translation>%1 (version %2)</translation>
    </message>
    <message>
        <source>Being discussed now</source>
        <translation>Being discussed now</translation>
    </message>
</context>
<context>
    <name>AnnotationModel</name>
    <message>
        <source>Highlight</source>
        <translation>Highlight</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Add note</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>Draw</translation>
    </message>
<message>
        <source>Erase</source>
        <translation>Erase</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Share</translation>
    </message>
    <message>
        <source>Make private</source>
        <translation>Make private</translation>
    </message>
    <message>
        <source>Edit note</source>
        <translation>Edit note</translation>
    </message>
</context>
<context>
    <name>hopso::client::CameraScanner</name>
    <message>
        <source>This device has no camera. Open a picture of the QR code instead.</source>
        <translation>This device has no camera. Open a picture of the QR code instead.</translation>
    </message>
    <message>
        <source>The camera cannot be used: %1</source>
        <translation>The camera cannot be used: %1</translation>
    </message>
</context>
<context>
    <name>Connection</name>
    <message>
        <source>The server cannot be reached. Check the network; Hopso keeps trying and carries on by itself.</source>
        <translation>The server cannot be reached. Check the network; Hopso keeps trying and carries on by itself.</translation>
    </message>
    <message>
        <source>The server did not answer in time. Hopso will try again.</source>
        <translation>The server did not answer in time. Hopso will try again.</translation>
    </message>
    <message>
        <source>Your session has ended. Please log in again.</source>
        <translation>Your session has ended. Please log in again.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelled.</translation>
    </message>
    <message>
        <source>The server reported an error (code %1).</source>
        <translation>The server reported an error (code %1).</translation>
    </message>
<message>
        <source>Enter the server address as host:port.</source>
        <translation>Enter the server address as host:port.</translation>
    </message>
    <message>
        <source>A connection without TLS is only allowed to this device itself (localhost).</source>
        <translation>A connection without TLS is only allowed to this device itself (localhost).</translation>
    </message>
    <message>
        <source>The pinned server certificate cannot be read.</source>
        <translation>The pinned server certificate cannot be read.</translation>
    </message>
    <message>
        <source>The CA file %1 cannot be read: %2</source>
        <translation>The CA file %1 cannot be read: %2</translation>
    </message>
    <message>
        <source>The CA file %1 holds no PEM certificate.</source>
        <translation>The CA file %1 holds no PEM certificate.</translation>
    </message>
</context>
<context>
    <name>hopso::client::DocumentCache</name>
    <message>
        <source>“%1” is not a SHA-256.</source>
        <translation>“%1” is not a SHA-256.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>The server sent another version than asked for.</source>
        <translation>The server sent another version than asked for.</translation>
    </message>
    <message>
        <source>The server's download broke off in the middle; try again.</source>
        <translation>The server's download broke off in the middle; try again.</translation>
    </message>
    <message>
        <source>The downloaded document does not match its SHA-256 and was discarded.</source>
        <translation>The downloaded document does not match its SHA-256 and was discarded.</translation>
    </message>
    <message>
        <source>Cannot move the document into the cache: %1</source>
        <translation>Cannot move the document into the cache: %1</translation>
    </message>
</context>
<context>
    <name>hopso::client::LoginWindow</name>
    <message>
        <source>Hopso — Sign in</source>
        <translation>Hopso — Sign in</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>Hopso paperless meetings: your agendas and documents on this tablet.</source>
        <translation>Hopso paperless meetings: your agendas and documents on this tablet.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Server address</translation>
    </message>
    <message>
        <source>e.g. hopso.example.gov.vn:7443</source>
        <translation>e.g. hopso.example.gov.vn:7443</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Username</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>or</source>
        <translation>or</translation>
    </message>
    <message>
        <source>Pair with QR code</source>
        <translation>Pair with QR code</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Trusted certificate: %1</source>
        <translation>Trusted certificate: %1</translation>
    </message>
    <message>
        <source>Certificates checked with %1</source>
        <translation>Certificates checked with %1</translation>
    </message>
    <message>
        <source>Unencrypted connection (this computer only)</source>
        <translation>Unencrypted connection (this computer only)</translation>
    </message>
    <message>
        <source>On first contact the tablet shows the server's certificate for you to confirm.</source>
        <translation>On first contact the tablet shows the server's certificate for you to confirm.</translation>
    </message>
    <message>
        <source>Enter the server address, for example hopso.example.gov.vn:7443.</source>
        <translation>Enter the server address, for example hopso.example.gov.vn:7443.</translation>
    </message>
    <message>
        <source>"%1" is not a server address. Write it as host:port, for example hopso.example.gov.vn:7443.</source>
        <translation>"%1" is not a server address. Write it as host:port, for example hopso.example.gov.vn:7443.</translation>
    </message>
    <message>
        <source>Enter your username.</source>
        <translation>Enter your username.</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Enter your password.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>Cannot reach the server %1: %2</source>
        <translation>Cannot reach the server %1: %2</translation>
    </message>
    <message>
        <source>The server was not trusted; nothing was sent to it.</source>
        <translation>The server was not trusted; nothing was sent to it.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Signing in…</translation>
    </message>
    <message>
        <source>This QR code is not a Hopso pairing code.</source>
        <translation>This QR code is not a Hopso pairing code.</translation>
    </message>
    <message>
        <source>The pairing code names no usable server address.</source>
        <translation>The pairing code names no usable server address.</translation>
    </message>
    <message>
        <source>Pairing this tablet…</source>
        <translation>Pairing this tablet…</translation>
    </message>
    <message>
        <source>The pairing code carries no certificate fingerprint; the tablet cannot check the server.</source>
        <translation>The pairing code carries no certificate fingerprint; the tablet cannot check the server.</translation>
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
        <translation>‹ Back</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Downloading “%1”: %2 %</source>
        <translation>Downloading “%1”: %2 %</translation>
    </message>
    <message>
        <source>“%1” could not be opened: %2</source>
        <translation>“%1” could not be opened: %2</translation>
    </message>
    <message>
        <source>Hopso — My meetings</source>
        <translation>Hopso — My meetings</translation>
    </message>
    <message>
        <source>Agenda</source>
        <translation>Agenda</translation>
    </message>
    <message>
        <source>Downloading “%1”…</source>
        <translation>Downloading “%1”…</translation>
    </message>
    <message>
        <source>This QR code is not a Hopso document code.</source>
        <translation>This QR code is not a Hopso document code.</translation>
    </message>
    <message>
        <source>Looking up the code…</source>
        <translation>Looking up the code…</translation>
    </message>
    <message>
        <source>This QR code does not match the document on the server (the content hash differs), so it was not opened. The printed copy may be outdated: ask the secretary.</source>
        <translation>This QR code does not match the document on the server (the content hash differs), so it was not opened. The printed copy may be outdated: ask the secretary.</translation>
    </message>
</context>
<context>
    <name>hopso::client::MeetingListModel</name>
    <message>
        <source>Draft</source>
        <translation>Draft</translation>
    </message>
    <message>
        <source>Upcoming</source>
        <translation>Upcoming</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Ended</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Archived</translation>
    </message>
</context>
<context>
    <name>hopso::client::MeetingListPage</name>
    <message>
        <source>Past meetings</source>
        <translation>Past meetings</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Scan QR code</source>
        <translation>Scan QR code</translation>
    </message>
    <message>
        <source>My meetings</source>
        <translation>My meetings</translation>
    </message>
    <message>
        <source>Shown from this tablet's copy; the server cannot be reached.</source>
        <translation>Shown from this tablet's copy; the server cannot be reached.</translation>
    </message>
    <message>
        <source>Loading your meetings…</source>
        <translation>Loading your meetings…</translation>
    </message>
    <message>
        <source>You have no meetings yet. Meetings appear here once the secretary invites you.</source>
        <translation>You have no meetings yet. Meetings appear here once the secretary invites you.</translation>
    </message>
</context>
<context>
    <name>hopso::client::MeetingPage</name>
    <message>
        <source>Download the meeting for offline</source>
        <translation>Download the meeting for offline</translation>
    </message>
    <message>
        <source>Scan QR code</source>
        <translation>Scan QR code</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versions</translation>
    </message>
    <message>
        <source>Downloading: document %1 of %2 (%3 of %4)</source>
        <translation>Downloading: document %1 of %2 (%3 of %4)</translation>
    </message>
    <message numerus="yes">
        <source>All %n document(s) of this meeting are on this tablet and open offline.</source>
        <translation><numerusform>The meeting's only document is on this tablet and opens offline.</numerusform><numerusform>All %n documents of this meeting are on this tablet and open offline.</numerusform></translation>
    </message>
    <message>
        <source>The download stopped: %1</source>
        <translation>The download stopped: %1</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● Live</translation>
    </message>
    <message>
        <source>○ Not following</source>
        <translation>○ Not following</translation>
    </message>
    <message>
        <source>Confidential</source>
        <translation>Confidential</translation>
    </message>
    <message>
        <source>Version %1 (current)</source>
        <translation>Version %1 (current)</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation><numerusform>%n page</numerusform><numerusform>%n pages</numerusform></translation>
    </message>
    <message>
        <source>on this tablet</source>
        <translation>on this tablet</translation>
    </message>
    <message>
        <source>Preparing the download…</source>
        <translation>Preparing the download…</translation>
    </message>
</context>
<context>
    <name>hopso::client::Messages</name>
    <message>
        <source>The server %1 did not answer in time. Check the network and try again.</source>
        <translation>The server %1 did not answer in time. Check the network and try again.</translation>
    </message>
    <message>
        <source>The secure connection to %1 failed: the server's certificate is not the one this tablet trusts. Ask your IT department before trusting a new certificate.</source>
        <translation>The secure connection to %1 failed: the server's certificate is not the one this tablet trusts. Ask your IT department before trusting a new certificate.</translation>
    </message>
    <message>
        <source>Cannot reach the server %1. Check the address and the Wi-Fi connection.</source>
        <translation>Cannot reach the server %1. Check the address and the Wi-Fi connection.</translation>
    </message>
    <message>
        <source>Wrong username or password.</source>
        <translation>Wrong username or password.</translation>
    </message>
    <message>
        <source>Too many failed attempts: this account is locked for a while. %1</source>
        <translation>Too many failed attempts: this account is locked for a while. %1</translation>
    </message>
    <message>
        <source>This pairing code is unknown, already used or expired. Ask the secretary for a new one.</source>
        <translation>This pairing code is unknown, already used or expired. Ask the secretary for a new one.</translation>
    </message>
    <message>
        <source>This document does not exist or you may not see it. If you think you should, ask the meeting's secretary.</source>
        <translation>This document does not exist or you may not see it. If you think you should, ask the meeting's secretary.</translation>
    </message>
    <message>
        <source>You may not open this document. If you think you should, ask the meeting's secretary.</source>
        <translation>You may not open this document. If you think you should, ask the meeting's secretary.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Your session has ended. Sign in again.</translation>
    </message>
</context>
<context>
    <name>hopso::client::NoteDialog</name>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Note by %1</source>
        <translation>Note by %1</translation>
    </message>
    <message>
        <source>Write your note here</source>
        <translation>Write your note here</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Delete note</source>
        <translation>Delete note</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>hopso::client::NoticeBar</name>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>hopso::client::OfflineBanner</name>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>— the server cannot be reached. Downloaded documents still open and your annotations are kept; they are sent when the connection is back.</source>
        <translation>— the server cannot be reached. Downloaded documents still open and your annotations are kept; they are sent when the connection is back.</translation>
    </message>
</context>
<context>
    <name>hopso::client::PageRenderer</name>
    <message>
        <source>Cannot open the document %1.</source>
        <translation>Cannot open the document %1.</translation>
    </message>
</context>
<context>
    <name>hopso::client::PdfView</name>
    <message>
        <source>the file was not found</source>
        <translation>the file was not found</translation>
    </message>
    <message>
        <source>it is not a valid PDF file</source>
        <translation>it is not a valid PDF file</translation>
    </message>
    <message>
        <source>it is protected by a password</source>
        <translation>it is protected by a password</translation>
    </message>
    <message>
        <source>it cannot be read</source>
        <translation>it cannot be read</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>Cannot open the document: %1.</source>
        <translation>Cannot open the document: %1.</translation>
    </message>
    <message>
        <source>No document is open.</source>
        <translation>No document is open.</translation>
    </message>
    <message>
        <source>Erase</source>
        <translation>Erase</translation>
    </message>
</context>
<context>
    <name>hopso::client::QrScanDialog</name>
    <message>
        <source>Pair with QR code</source>
        <translation>Pair with QR code</translation>
    </message>
    <message>
        <source>Scan a document's QR code</source>
        <translation>Scan a document's QR code</translation>
    </message>
    <message>
        <source>Scan the pairing code that the secretary shows you. It logs this tablet in without a password.</source>
        <translation>Scan the pairing code that the secretary shows you. It logs this tablet in without a password.</translation>
    </message>
    <message>
        <source>Scan the QR code printed next to the document on the handout.</source>
        <translation>Scan the QR code printed next to the document on the handout.</translation>
    </message>
    <message>
        <source>Choose an image…</source>
        <translation>Choose an image…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Starting the camera…</translation>
    </message>
    <message>
        <source>Hold the code in front of the camera.</source>
        <translation>Hold the code in front of the camera.</translation>
    </message>
    <message>
        <source>No camera</source>
        <translation>No camera</translation>
    </message>
    <message>
        <source>This device has no camera. Choose a photo or a scan of the code instead.</source>
        <translation>This device has no camera. Choose a photo or a scan of the code instead.</translation>
    </message>
    <message>
        <source>Choose an image of the QR code</source>
        <translation>Choose an image of the QR code</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)</source>
        <translation>Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)</translation>
    </message>
    <message>
        <source>No QR code found in this image.</source>
        <translation>No QR code found in this image.</translation>
    </message>
    <message>
        <source>This is a pairing code for signing in, not a document's code.</source>
        <translation>This is a pairing code for signing in, not a document's code.</translation>
    </message>
    <message>
        <source>This is a document's code, not a pairing code.</source>
        <translation>This is a document's code, not a pairing code.</translation>
    </message>
    <message>
        <source>This QR code is not from Hopso.</source>
        <translation>This QR code is not from Hopso.</translation>
    </message>
</context>
<context>
    <name>ServerTrust</name>
    <message>
        <source>“%1” is not a server address of the form host:port.</source>
        <translation>“%1” is not a server address of the form host:port.</translation>
    </message>
    <message>
        <source>No TLS connection to %1: %2</source>
        <translation>No TLS connection to %1: %2</translation>
    </message>
    <message>
        <source>The server at %1 sent no certificate.</source>
        <translation>The server at %1 sent no certificate.</translation>
    </message>
    <message>
        <source>The server at %1 presented a certificate with fingerprint %2, not the expected %3. Do not connect: this may not be your server.</source>
        <translation>The server at %1 presented a certificate with fingerprint %2, not the expected %3. Do not connect: this may not be your server.</translation>
    </message>
</context>
<context>
    <name>hopso::client::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Signed in as</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Certificate</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <source>Annotations not yet sent</source>
        <translation>Annotations not yet sent</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message numerus="yes">
        <source>%n annotation change(s) have not reached the server yet. Sign out anyway?</source>
        <translation><numerusform>%n annotation change has not reached the server yet. Sign out anyway?</numerusform><numerusform>%n annotation changes have not reached the server yet. Sign out anyway?</numerusform></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>hopso::client::ThumbnailView</name>
    <message>
        <source>Page %1</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <source>Page thumbnails</source>
        <translation>Page thumbnails</translation>
    </message>
</context>
<context>
    <name>hopso::client::TrustDialog</name>
    <message>
        <source>Trust this server?</source>
        <translation>Trust this server?</translation>
    </message>
    <message>
        <source>This tablet has not connected to %1 before. Compare the fingerprint below with the one your organisation published (on the meeting invitation or from the secretary). Trust the server only if they match.</source>
        <translation>This tablet has not connected to %1 before. Compare the fingerprint below with the one your organisation published (on the meeting invitation or from the secretary). Trust the server only if they match.</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint of the certificate:</source>
        <translation>SHA-256 fingerprint of the certificate:</translation>
    </message>
    <message>
        <source>Issued to: %1
Valid until: %2</source>
        <translation>Issued to: %1
Valid until: %2</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(no name)</translation>
    </message>
    <message>
        <source>Trust and continue</source>
        <translation>Trust and continue</translation>
    </message>
    <message>
        <source>Use a CA file…</source>
        <translation>Use a CA file…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Choose the CA certificate</source>
        <translation>Choose the CA certificate</translation>
    </message>
    <message>
        <source>Certificates (*.crt *.pem *.cer);;All files (*)</source>
        <translation>Certificates (*.crt *.pem *.cer);;All files (*)</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate.</source>
        <translation>%1 holds no PEM certificate.</translation>
    </message>
</context>
<context>
    <name>hopso::client::ViewerPage</name>
    <message numerus="yes">
        <source>%n hit(s)</source>
        <translation><numerusform>%n hit</numerusform><numerusform>%n hits</numerusform></translation>
    </message>
    <message>
        <source>☰ Pages</source>
        <translation>☰ Pages</translation>
    </message>
    <message>
        <source>Show the pages as thumbnails</source>
        <translation>Show the pages as thumbnails</translation>
    </message>
    <message>
        <source>Fit width</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <source>Fit page</source>
        <translation>Fit page</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>Go to page</source>
        <translation>Go to page</translation>
    </message>
    <message>
        <source>Search in the document</source>
        <translation>Search in the document</translation>
    </message>
    <message>
        <source>Previous hit</source>
        <translation>Previous hit</translation>
    </message>
    <message>
        <source>Next hit</source>
        <translation>Next hit</translation>
    </message>
    <message>
        <source>My annotated copy</source>
        <translation>My annotated copy</translation>
    </message>
    <message>
        <source>PDF copy</source>
        <translation>PDF copy</translation>
    </message>
    <message>
        <source>With my annotations</source>
        <translation>With my annotations</translation>
    </message>
    <message>
        <source>With my annotations and the shared ones</source>
        <translation>With my annotations and the shared ones</translation>
    </message>
    <message>
        <source>✥ Move</source>
        <translation>✥ Move</translation>
    </message>
    <message>
        <source>Turn pages and move around</source>
        <translation>Turn pages and move around</translation>
    </message>
    <message>
        <source>✎ Pen</source>
        <translation>✎ Pen</translation>
    </message>
    <message>
        <source>Write with the pen or a finger</source>
        <translation>Write with the pen or a finger</translation>
    </message>
    <message>
        <source>▍ Highlight</source>
        <translation>▍ Highlight</translation>
    </message>
    <message>
        <source>Mark text</source>
        <translation>Mark text</translation>
    </message>
    <message>
        <source>✉ Note</source>
        <translation>✉ Note</translation>
    </message>
    <message>
        <source>Tap to add a text note</source>
        <translation>Tap to add a text note</translation>
    </message>
    <message>
        <source>⌫ Eraser</source>
        <translation>⌫ Eraser</translation>
    </message>
    <message>
        <source>Remove your annotations</source>
        <translation>Remove your annotations</translation>
    </message>
    <message>
        <source>Colour</source>
        <translation>Colour</translation>
    </message>
    <message>
        <source>↶ Undo</source>
        <translation>↶ Undo</translation>
    </message>
    <message>
        <source>↷ Redo</source>
        <translation>↷ Redo</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>Shared</source>
        <translation>Shared</translation>
    </message>
    <message>
        <source>Shared with participants</source>
        <translation>Shared with participants</translation>
    </message>
    <message>
        <source>Private</source>
        <translation>Private</translation>
    </message>
    <message>
        <source>New annotations are visible to the meeting's participants</source>
        <translation>New annotations are visible to the meeting's participants</translation>
    </message>
    <message>
        <source>New annotations are visible only to you</source>
        <translation>New annotations are visible only to you</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>of %1</translation>
    </message>
    <message>
        <source>Annotations saved</source>
        <translation>Annotations saved</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting to be sent</source>
        <translation><numerusform>%n change waiting to be sent</numerusform><numerusform>%n changes waiting to be sent</numerusform></translation>
    </message>
    <message>
        <source>%1 (annotated).pdf</source>
        <translation>%1 (annotated).pdf</translation>
    </message>
    <message>
        <source>Save my annotated copy</source>
        <translation>Save my annotated copy</translation>
    </message>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF documents (*.pdf)</translation>
    </message>
    <message>
        <source>Preparing your annotated copy…</source>
        <translation>Preparing your annotated copy…</translation>
    </message>
    <message>
        <source>Your latest annotations could not be sent, so the copy would miss them: %1</source>
        <translation>Your latest annotations could not be sent, so the copy would miss them: %1</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Cannot write %1: %2</translation>
    </message>
    <message>
        <source>The annotated copy could not be made: %1</source>
        <translation>The annotated copy could not be made: %1</translation>
    </message>
    <message>
        <source>Your annotated copy is saved as %1.</source>
        <translation>Your annotated copy is saved as %1.</translation>
    </message>
<message>
        <source>Blue-black</source>
        <translation>Blue-black</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>Green</translation>
    </message>
    <message>
        <source>Black</source>
        <translation>Black</translation>
    </message>
    <message>
        <source>Yellow</source>
        <translation>Yellow</translation>
    </message>
</context>
<context>
    <name>hopso::client::QrDecoder</name>
    <message>
        <source>Cannot read the image %1: %2</source>
        <translation>Cannot read the image %1: %2</translation>
    </message>
</context>
</TS>
