package naverworkstest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
)

var (
	keyOnce sync.Once
	key     *rsa.PrivateKey
	keyErr  error
)

// Key returns the test RSA key pair (2048 bits). It is generated once per
// process and shared, since RSA key generation is slow (more so under
// -race). Never use it outside tests.
func Key() *rsa.PrivateKey {
	keyOnce.Do(func() { key, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	if keyErr != nil {
		panic("naverworkstest: generating the test key: " + keyErr.Error())
	}
	return key
}

// PrivateKeyPEM returns [Key] as PKCS#8 PEM ("BEGIN PRIVATE KEY"), the
// form the Developer Console issues.
func PrivateKeyPEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(Key())
	if err != nil {
		panic("naverworkstest: " + err.Error())
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// PKCS1PrivateKeyPEM returns [Key] as PKCS#1 PEM ("BEGIN RSA PRIVATE KEY").
func PKCS1PrivateKeyPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(Key())}))
}
