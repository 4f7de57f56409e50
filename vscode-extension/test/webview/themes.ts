/**
 * The part of VS Code's webview theming the DAG page reads: the body class and the `--vscode-*`
 * variables, with the values of the default Dark Modern and Light Modern themes. VS Code sets these
 * on the webview's <html> element; the test page does the same before the page script runs.
 */

export type ThemeName = 'dark' | 'light';

const FONT = '"Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", "DejaVu Sans", sans-serif';

export const THEMES: Record<ThemeName, { bodyClass: string; variables: Record<string, string> }> = {
  dark: {
    bodyClass: 'vscode-dark',
    variables: {
      '--vscode-font-family': FONT,
      '--vscode-font-size': '13px',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-orange': '#d18616',
      '--vscode-debugIcon-breakpointCurrentStackframeForeground': '#ffcc00',
      '--vscode-debugIcon-startForeground': '#89d185',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-panel-border': '#2b2b2b',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    variables: {
      '--vscode-font-family': FONT,
      '--vscode-font-size': '13px',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-orange': '#d18616',
      '--vscode-debugIcon-breakpointCurrentStackframeForeground': '#be8700',
      '--vscode-debugIcon-startForeground': '#388a34',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-border': '#cecece',
      '--vscode-panel-border': '#e5e5e5',
    },
  },
};

/** A script (run with the page's nonce, before the page script) that applies a theme. */
export function themeScript(theme: ThemeName): string {
  const { bodyClass, variables } = THEMES[theme];
  return `
    for (const [name, value] of Object.entries(${JSON.stringify(variables)})) {
      document.documentElement.style.setProperty(name, value);
    }
    document.body.classList.add(${JSON.stringify(bodyClass)});
  `;
}
