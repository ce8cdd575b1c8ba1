#!/bin/sh
# Regenerates the test PKI of tests/cert.rs. Test material only: never use in production.
# Run from tests/certs/. SNs depend only on the names and serials below, not on the run.
set -eu
K=../keys
cat > ca.ext <<'X'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
X
cat > leaf.ext <<'X'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
X

# 1. RSA root CA (self-signed, sha256WithRSAEncryption)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out root_ca.key
openssl req -new -x509 -key root_ca.key -sha256 -days 36500 -set_serial 0x1fcfa18d6a480d11 \
  -subj "/C=CN/ST=Zhejiang/L=Hangzhou/O=alipay-codec test/OU=Certification Authority/CN=alipay-codec Test Root CA R1" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out root_ca.pem

# 2. RSA intermediate CA, signed by the root; its name holds characters RFC 2253 escapes
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out intermediate_ca.key
openssl req -new -key intermediate_ca.key \
  -subj "/C=CN/O=Ant Test, Inc./OU=Certification Authority/CN=alipay-codec Test CA Class 2 R1" \
  -out intermediate_ca.csr
openssl x509 -req -in intermediate_ca.csr -CA root_ca.pem -CAkey root_ca.key -sha256 -days 18250 \
  -set_serial 0x0202 -extfile ca.ext -out intermediate_ca.pem

# 3. app certificate: the bundled app key, signed by the root (serial with the high bit set)
openssl req -new -key $K/app_private_pkcs8.pem -subj "/C=CN/O=alipay-codec test app/OU=Alipay/CN=2021000000000001" -out app_cert.csr
openssl x509 -req -in app_cert.csr -CA root_ca.pem -CAkey root_ca.key -sha256 -days 3650 \
  -set_serial 0x8020051862039d4090897ba4d51c2126 -extfile leaf.ext -out app_cert.pem

# 4. "Alipay" certificate 1: the bundled Alipay key, signed by the root
openssl req -new -key $K/alipay_private_pkcs8.pem -subj "/C=CN/O=alipay-codec test alipay/OU=Alipay/CN=Alipay cert 1" -out alipay_cert_1.csr
openssl x509 -req -in alipay_cert_1.csr -CA root_ca.pem -CAkey root_ca.key -sha256 -days 3650 \
  -set_serial 0x2020051462ab -extfile leaf.ext -out alipay_cert_1.pem

# 5. "Alipay" certificate 2 (rotation): a fresh key, signed by the intermediate CA;
#    alipay_cert_2_chain.pem = certificate 2 followed by the intermediate
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out alipay_cert_2.key
openssl req -new -key alipay_cert_2.key -subj "/C=CN/O=alipay-codec test alipay/OU=Alipay/CN=Alipay cert 2" -out alipay_cert_2.csr
openssl x509 -req -in alipay_cert_2.csr -CA intermediate_ca.pem -CAkey intermediate_ca.key -sha256 -days 3650 \
  -set_serial 0x2025 -extfile leaf.ext -out alipay_cert_2.pem
cat alipay_cert_2.pem intermediate_ca.pem > alipay_cert_2_chain.pem

# 6. EC (P-256, ecdsa-with-SHA256) root, and the root bundle: EC root first, then the RSA root
openssl ecparam -name prime256v1 -genkey -noout -out ec_root.key
openssl req -new -x509 -key ec_root.key -sha256 -days 36500 -set_serial 0x0ec0 \
  -subj "/C=CN/O=alipay-codec test/CN=alipay-codec Test EC Root" -out ec_root.pem
cat ec_root.pem root_ca.pem > root_bundle.pem

# 7. a certificate with an EC key, signed (sha256WithRSA) by the RSA root
openssl req -new -key ec_root.key -subj "/C=CN/O=alipay-codec test/CN=EC key leaf" -out ec_leaf.csr
openssl x509 -req -in ec_leaf.csr -CA root_ca.pem -CAkey root_ca.key -sha256 -days 3650 \
  -set_serial 0x0ec1 -extfile leaf.ext -out ec_leaf.pem

# 8. an impostor root: the RSA root's exact name, another key
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out impostor_root.key
openssl req -new -x509 -key impostor_root.key -sha256 -days 36500 -set_serial 0x1fcfa18d6a480d11 \
  -subj "/C=CN/ST=Zhejiang/L=Hangzhou/O=alipay-codec test/OU=Certification Authority/CN=alipay-codec Test Root CA R1" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out impostor_root.pem

# 9. a certificate "issued" by the app certificate (a leaf, not a CA), with the Alipay name
openssl req -new -key alipay_cert_2.key -subj "/C=CN/O=alipay-codec test alipay/OU=Alipay/CN=Forged by app cert" -out forged.csr
openssl x509 -req -in forged.csr -CA app_cert.pem -CAkey $K/app_private_pkcs8.pem -sha256 -days 3650 \
  -set_serial 0x0bad -extfile leaf.ext -out forged_by_app.pem
cat forged_by_app.pem app_cert.pem > forged_by_app_chain.pem

rm -f ./*.csr ca.ext leaf.ext
