// The server's TLS identity: given files, or a self-signed certificate made
// once in the data directory so that TLS is on from the first start.
#ifndef HOPSO_SERVER_TLS_SETUP_H_
#define HOPSO_SERVER_TLS_SETUP_H_

#include <string>

#include "absl/status/statusor.h"

namespace hopso::server {

struct TlsIdentity {
  std::string cert_pem;
  std::string key_pem;
  std::string cert_path;
};

// LoadOrCreateTlsIdentity
//
// Reads `cert_path`/`key_path` when given; otherwise reads, or on first start
// writes, DATA_DIR/tls/server.crt and server.key (ECDSA P-256, ten years,
// names localhost, 127.0.0.1, ::1 and this host's name; key mode 0600).
absl::StatusOr<TlsIdentity> LoadOrCreateTlsIdentity(const std::string& data_dir,
                                                    const std::string& cert_path,
                                                    const std::string& key_path);

// CertificateFingerprint
//
// Lowercase hex SHA-256 of the DER encoding of the first certificate in
// `cert_pem` (the leaf), as tablets pin it and pairing codes carry it.
absl::StatusOr<std::string> CertificateFingerprint(const std::string& cert_pem);

}  // namespace hopso::server

#endif  // HOPSO_SERVER_TLS_SETUP_H_
