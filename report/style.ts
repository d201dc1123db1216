/**
 * The style sheet of the HTML pages of `snmf report`.
 *
 * @module
 */

/** The pages' style sheet: the model's report (report/html.ts) and the rank report (report/rank.ts). */
export const STYLE =
  `body{font:15px/1.45 Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.8em 0}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}.features td:last-child{font-size:.93em}.w{color:#888;font-size:.85em}
.row{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}figure{margin:.5em 0;max-width:100%;overflow-x:auto}
figcaption{font-size:.85em;color:#555;max-width:560px}.ranking{font-size:.93em;color:#444;max-width:820px}
img{image-rendering:pixelated;border:1px solid #ddd;max-width:100%;height:auto}
svg{max-width:100%;height:auto}.source{color:#666}.mark{color:#b30000;font-weight:bold}
.caveat{font-size:.93em;color:#444;max-width:820px;border-left:3px solid #e0a000;padding-left:.7em}`;

/** The start of a page: the document's head with the style sheet, and its heading `title` (escaped by the caller). */
export function pageStart(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${title}</h1>`;
}
