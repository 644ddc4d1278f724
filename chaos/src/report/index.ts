/** Chaos run reports: the printed table, Markdown summary, JSON and SVG timelines. */
export { formatResultTable, formatResultRow, markdownResultTable, resultCells, TABLE_HEADER } from './result-table';
export { renderTimelineSvg } from './svg-timeline';
export { writeReport, renderMarkdown } from './write-report';
export type { SuiteReportInput } from './write-report';
