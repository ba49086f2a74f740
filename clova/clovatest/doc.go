// Package clovatest helps test code built on package clova, in process and
// without CLOVA's private key.
//
// # CEK requests
//
// [Key] is an RSA-2048 key pair generated once per process. Build an
// extension handler that trusts it with clova.WithPublicKey([PublicKey]()),
// then send it requests built with [Launch], [Intent], [SessionEnded] or
// [Event] and signed by [NewRequest]:
//
//	h, _ := clova.NewWebhookHandler(clovatest.ApplicationID, fn,
//		clova.WithPublicKey(clovatest.PublicKey()))
//	req := clovatest.NewRequest(t, nil, clovatest.Intent("OrderPizza",
//		clovatest.WithSlot("pizzaType", "pepperoni"), clovatest.WithSlot("count", 3)))
//	rec := httptest.NewRecorder()
//	h.ServeHTTP(rec, req)
//
// # CLOVA Chatbot
//
// [Server] fakes one chatbot domain's custom API: it checks each
// request's X-NCP-CHATBOT_SIGNATURE (signed with [SecretKey], or the key
// of [WithSecretKey]) and shape, answers scripted bubbles per utterance
// ([Server.Reply], [Server.Welcome]), answers injected failures
// ([Server.FailNext] with the [Fault] every channelkit fake shares; a nil
// body gets API Gateway's error body for the status), and records every
// call ([Server.Calls]). Use [NewServer] in tests and [Start] / Close in
// programs; [Server.Client] is a clova.Client wired to it, [Server.URL]
// its invoke URL and [Server.HTTPClient] an HTTP client for it:
//
//	srv := clovatest.NewServer(t)
//	srv.ReplyText("영업시간?", "9시부터 6시까지예요.")
//	res, err := srv.Client().Send(ctx, "user-1", "영업시간?")
//
// Where the fake differs from the real service: it understands no language
// (an utterance matches a scripted reply only when it is identical), keeps
// no conversation state beyond a fixed session ID per user, answers a bad
// signature with 401 and {"error":{"errorCode":"200","message":"Authentication
// Failed"}} and a malformed request with 400 (errorCode 100), API Gateway's
// error format and codes as NCP documents them for API Gateway in general
// (not confirmed for the chatbot's own errors), and never adds scenario,
// entities or keywords to an answer.
package clovatest
