// Package openaitest holds the client-compatibility test of logsift's
// OpenAI-compatible server (inference/openai, served by `logsift
// serve-model`): the test starts the server in-process over the tiny
// conformance model and runs client.mjs, which uses the official `openai`
// npm package. package.json and package-lock.json pin the client;
// scripts/ci-deps.sh runs npm ci here.
package openaitest
