package clova

import (
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
)

// productionKeyPEM is the CEK request-signing public key that CLOVA
// publishes at https://clova-cek-requests.line.me/.well-known/signature-public-key.pem
// and that every official CEK SDK embeds.
//
//go:embed cek_public_key.pem
var productionKeyPEM []byte

var productionKey = sync.OnceValue(func() *rsa.PublicKey {
	k, err := ParsePublicKeyPEM(productionKeyPEM)
	if err != nil {
		// The embedded file is part of the package; failing to parse it is a
		// build defect, caught by the package's tests.
		panic("clova: embedded CEK public key: " + err.Error())
	}
	return k
})

// ProductionPublicKey returns CLOVA's published CEK signature public key,
// which is embedded in the package. It is the key an [WebhookHandler]
// verifies with unless [WithPublicKey] or [WithPublicKeyURL] says otherwise.
// Every call returns the same key; callers must not modify it.
func ProductionPublicKey() *rsa.PublicKey { return productionKey() }

// minKeyBits is the smallest RSA modulus accepted as a verification key.
const minKeyBits = 2048

// ParsePublicKeyPEM parses the first PEM block of data as an RSA public key:
// a "PUBLIC KEY" (SubjectPublicKeyInfo, the form CLOVA publishes), an
// "RSA PUBLIC KEY" (PKCS #1) or a "CERTIFICATE". Keys shorter than 2048 bits
// are rejected.
func ParsePublicKeyPEM(data []byte) (*rsa.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("clova: no PEM block in public key data")
	}
	var (
		pub any
		err error
	)
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		cert, err = x509.ParseCertificate(block.Bytes)
		if err == nil {
			pub = cert.PublicKey
		}
	default:
		return nil, fmt.Errorf("clova: unsupported PEM block type %q", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("clova: parsing public key: %w", err)
	}
	rk, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("clova: public key is %T, want RSA", pub)
	}
	if rk.N.BitLen() < minKeyBits {
		return nil, fmt.Errorf("clova: RSA public key has %d bits, want at least %d", rk.N.BitLen(), minKeyBits)
	}
	return rk, nil
}
