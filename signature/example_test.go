package signature_test

import (
	"errors"
	"fmt"

	"github.com/channelkit/channelkit/signature"
)

func Example() {
	body := []byte(`{"destination":"U123","events":[]}`)
	sig := signature.SignHMACSHA256([]byte("new-secret"), body)

	// During a rotation, accept both the new and the old secret.
	secrets, err := signature.NewSecretSet("new-secret", "old-secret")
	if err != nil {
		panic(err)
	}
	fmt.Println(secrets.VerifyHMACSHA256(body, sig))

	err = secrets.VerifyHMACSHA256([]byte(`{"tampered":true}`), sig)
	fmt.Println(errors.Is(err, signature.ErrMismatch))

	err = secrets.VerifyHMACSHA256(body, "")
	fmt.Println(errors.Is(err, signature.ErrMissing))
	// Output:
	// <nil>
	// true
	// true
}
