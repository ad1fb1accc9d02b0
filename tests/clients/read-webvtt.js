#!/usr/bin/env node
// Read a WebVTT file with the W3C parser (npm webvtt-parser, the parser behind the W3C
// validator) and print JSON: {"cues": [{"id", "start_ms", "end_ms", "text"}], "errors": [...]}.
// "text" is what a viewer sees: the text nodes of the cue tree (tags dropped, entities decoded).
// Usage: node read-webvtt.js FILE.vtt
"use strict";
const fs = require("fs");
const path = require("path");
const { WebVTTParser } = require("webvtt-parser");

const entities = JSON.parse(fs.readFileSync(
  path.join(path.dirname(require.resolve("webvtt-parser")), "html-entities.json"), "utf8"));

function textOf(node) {
  if (node.type === "text") return node.value;
  return (node.children || []).map(textOf).join("");
}

const source = fs.readFileSync(process.argv[2], "utf8");
const tree = new WebVTTParser(entities).parse(source, "subtitles/captions");
const out = {
  cues: tree.cues.map((cue) => ({
    id: cue.id,
    start_ms: Math.round(cue.startTime * 1000),
    end_ms: Math.round(cue.endTime * 1000),
    text: textOf(cue.tree),
  })),
  errors: tree.errors.map((e) => ({ message: e.message, line: e.line, col: e.col })),
};
process.stdout.write(JSON.stringify(out));
