/**
 * What the browser specs and the UI bench (`bench/uiPages.ts`) turn off in
 * Debian's headless Chromium: the window UI that each new window (a new
 * browser context) builds beside the page. The omnibox popups (the plain one
 * and the AI-mode one) are WebUI pages in a renderer of their own; they took
 * 1 to 5 s of CPU per context on this 2-core machine, on the cores a page's
 * first render is measured on. A user's browser has its window open already.
 * Found by listing the browser's CDP targets (`browser_ui` ones).
 */
export const WITHOUT_WINDOW_UI =
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,PreloadTopChromeWebUI"
