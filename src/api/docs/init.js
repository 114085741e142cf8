// The API reference page: Swagger UI over this server's own OpenAPI document. Served as a file
// of its own so that the page's Content-Security-Policy needs no inline script.
"use strict";
window.ui = SwaggerUIBundle({
  url: "/v1/openapi.json",
  dom_id: "#swagger-ui",
  // Never send the document to validator.swagger.io.
  validatorUrl: null,
  deepLinking: true,
  // "Try it out" is a click away: requests go to this library, writes included.
  tryItOutEnabled: false,
  // An API key given to "Authorize" is kept in the page only, not in localStorage.
  persistAuthorization: false,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
