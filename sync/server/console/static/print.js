// 打印 on a page made for printing (the console allows no inline script).
for (const b of document.querySelectorAll("[data-print]")) {
  b.addEventListener("click", () => window.print());
}
