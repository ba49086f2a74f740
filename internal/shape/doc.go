// Package shape holds no code: its test checks that the five platform
// packages (line, kakao, talktalk, naverworks, clova) and their fakes
// export the shared vocabulary of CONTRIBUTING.md with the same names and
// signatures, so that they cannot drift apart again. Where a platform
// genuinely lacks a part, the table says so and why.
package shape
