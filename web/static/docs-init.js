// Starts Swagger UI on /docs from the locally served bundle (web/docs.py); no CDN.
"use strict";
window.addEventListener("load", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: root.dataset.openapi, dom_id: "#swagger-ui",
                                deepLinking: true, presets: [SwaggerUIBundle.presets.apis] });
});
