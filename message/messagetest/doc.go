// Package messagetest is the conformance suite for channelkit platform
// bridges, in the style of testing/fstest.TestFS: a platform package calls
// [TestRenderer] from its own tests with its Render function and its
// Capabilities, and the suite renders a fixed corpus of neutral contents
// (every variant, every action, over-limit text, too many buttons, quick
// replies and cards, Hangul and emoji, empty fields, foreign stickers and
// unknown content) and checks that:
//
//   - rendering never panics, and nil content is an error;
//   - best-effort rendering either succeeds or fails with an error wrapping
//     errors.ErrUnsupported;
//   - nothing is lost without a Loss: every non-empty string of the input
//     appears in the output, or a loss names that very field, or a Dropped
//     loss names a parent of it (a parent Downgraded, Truncated or Split
//     covers nothing below it: what is shown poorly must still be shown);
//   - every loss path names a real field of the input;
//   - strict rendering fails with message.ErrLossy exactly when best-effort
//     reports a loss, and otherwise produces the same output;
//   - the output respects the capabilities: message count, text length,
//     and a loss is reported wherever the input exceeds a limit;
//   - rendering is deterministic and does not modify its input.
//
// # Using it
//
// From a platform package's own tests:
//
//	func TestRenderConforms(t *testing.T) {
//		messagetest.TestRenderer(t, line.Capabilities, func(c message.Content, o message.RenderOptions) ([]any, message.Report, error) {
//			msgs, rep, err := line.Render(c, o)
//			out := make([]any, len(msgs))
//			for i, m := range msgs {
//				out[i] = m
//			}
//			return out, rep, err
//		})
//	}
//
// [Check] runs the same suite and returns the problems instead of failing a
// test, for tools and for testing a renderer against the suite itself.
package messagetest
